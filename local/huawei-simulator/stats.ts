import type { FaultKind } from './schemas.ts';

/** What the simulator has seen since it started (or since the last reset). */
export interface SimulatorStats {
  /** Huawei API requests answered or dropped (control-surface calls are not counted). */
  requests: number;
  /** Requests per operation; `unknown` for paths the API does not have. */
  byOperation: Record<string, number>;
  /** Requests per outcome: the HTTP status as a string, or `dropped` for a reset connection. */
  byStatus: Record<string, number>;
  /** Outcomes per operation, e.g. `{ create: { '201': 10, '400': 2, dropped: 1 } }`. */
  byOperationAndStatus: Record<string, Record<string, number>>;
  /** Creates that actually created a monitor (including `drop-after` ones). */
  created: number;
  /** Requests refused by signature verification, lockout refusals included. */
  authFailures: number;
  /** Of those, refusals because the key was locked. */
  lockedRefusals: number;
  /** Faults applied, queued or random. */
  faultsInjected: number;
  /** Requests refused with 429 by the per-project rate limit (not by an injected fault). */
  rateLimited: number;
  faultsByKind: Record<string, number>;
  /** Requests being handled right now. */
  inFlight: number;
  /** The most requests ever handled at the same time. */
  maxConcurrentRequests: number;
  /** Distinct TCP connections accepted (the server's `connection` events). */
  tcpConnections: number;
  /** Calls to the `/__simulator` control surface. */
  controlRequests: number;
}

/** Mutable counters behind {@link SimulatorStats}, cheap to bump on the hot path. */
export interface StatsRecorder {
  begin(): void;
  finish(operation: string, outcome: number | 'dropped'): void;
  created(): void;
  authFailure(locked: boolean): void;
  fault(kind: FaultKind): void;
  rateLimited(): void;
  tcpConnection(): void;
  control(): void;
  snapshot(): SimulatorStats;
  reset(): void;
}

const bump = (counts: Map<string, number>, key: string): void => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

/** Creates zeroed counters. */
export const createStatsRecorder = (): StatsRecorder => {
  let requests = 0;
  const byOperation = new Map<string, number>();
  const byStatus = new Map<string, number>();
  const byOperationAndStatus = new Map<string, Map<string, number>>();
  let created = 0;
  let authFailures = 0;
  let lockedRefusals = 0;
  let faultsInjected = 0;
  let rateLimited = 0;
  const faultsByKind = new Map<string, number>();
  let inFlight = 0;
  let maxConcurrentRequests = 0;
  let tcpConnections = 0;
  let controlRequests = 0;

  return {
    begin() {
      inFlight += 1;
      if (inFlight > maxConcurrentRequests) maxConcurrentRequests = inFlight;
    },
    finish(operation, outcome) {
      inFlight -= 1;
      requests += 1;
      const status = typeof outcome === 'number' ? String(outcome) : outcome;
      bump(byOperation, operation);
      bump(byStatus, status);
      let perOperation = byOperationAndStatus.get(operation);
      if (perOperation === undefined) {
        perOperation = new Map();
        byOperationAndStatus.set(operation, perOperation);
      }
      bump(perOperation, status);
    },
    created() {
      created += 1;
    },
    authFailure(locked) {
      authFailures += 1;
      if (locked) lockedRefusals += 1;
    },
    fault(kind) {
      faultsInjected += 1;
      bump(faultsByKind, kind);
    },
    rateLimited() {
      rateLimited += 1;
    },
    tcpConnection() {
      tcpConnections += 1;
    },
    control() {
      controlRequests += 1;
    },
    snapshot: () => ({
      requests,
      byOperation: Object.fromEntries(byOperation),
      byStatus: Object.fromEntries(byStatus),
      byOperationAndStatus: Object.fromEntries(
        [...byOperationAndStatus].map(([operation, counts]) => [
          operation,
          Object.fromEntries(counts),
        ]),
      ),
      created,
      authFailures,
      lockedRefusals,
      faultsInjected,
      rateLimited,
      faultsByKind: Object.fromEntries(faultsByKind),
      inFlight,
      maxConcurrentRequests,
      tcpConnections,
      controlRequests,
    }),
    reset() {
      // In-flight requests are still running: keep counting them.
      requests = 0;
      byOperation.clear();
      byStatus.clear();
      byOperationAndStatus.clear();
      created = 0;
      authFailures = 0;
      lockedRefusals = 0;
      faultsInjected = 0;
      rateLimited = 0;
      faultsByKind.clear();
      maxConcurrentRequests = inFlight;
      tcpConnections = 0;
      controlRequests = 0;
    },
  };
};
