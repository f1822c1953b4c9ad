/** One Huawei API request as the simulator served it: what a timing breakdown is built from. */
export interface LoggedRequest {
  operation: string;
  /** The connection the request is about, when it names one. */
  connectionId: string | undefined;
  /** Epoch ms the request arrived and was answered (or dropped). */
  startedAt: number;
  endedAt: number;
  /** The HTTP status, or `dropped` for a reset connection. */
  outcome: number | 'dropped';
  /** The injected fault's kind, when one was applied. */
  fault: string | undefined;
  /** Refused by the project's rate limit (the token bucket), not by an injected fault. */
  rateLimited: boolean;
}

/** Keeps the requests the simulator served, once asked to: off by default, so it costs nothing. */
export interface RequestLog {
  /** Starts (or stops) keeping requests; starting empties the log. */
  enable(on: boolean): void;
  readonly enabled: boolean;
  add(request: LoggedRequest): void;
  entries(): readonly LoggedRequest[];
}

/** An empty, disabled {@link RequestLog}. */
export const createRequestLog = (): RequestLog => {
  let on = false;
  let entries: LoggedRequest[] = [];
  return {
    enable(next) {
      on = next;
      if (next) entries = [];
    },
    get enabled() {
      return on;
    },
    add(request) {
      if (on) entries.push(request);
    },
    entries: () => entries,
  };
};
