import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendError, sendJson } from './aws-json-protocol.ts';
import { isJsonObject } from './json.ts';
import { closeServer, listenOnLoopback, sleep } from './loopback.ts';
import { validateEntry } from './put-events-entry.ts';

/** An event the sink accepted, with its `Detail` parsed. */
export interface SinkEvent {
  /** The `EventId` answered to the caller. */
  id: string;
  /** Bus name (taken out of an ARN when one was given); `default` when none was. */
  eventBusName: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** ISO 8601; the entry's `Time`, or when it arrived. */
  time: string;
  resources: string[];
  traceHeader?: string;
}

/** Counters of what the sink answered. */
interface SinkStats {
  /** Every HTTP request, including the ones answered with an error. */
  requests: number;
  accepted: number;
  failedEntries: number;
  failedRequests: number;
}

/** Options of {@link startEventBridgeSink}. */
export interface EventBridgeSinkOptions {
  /** Latency added to every answer, in milliseconds; default 0. */
  delayMs?: number;
}

/** A running EventBridge stand-in that answers PutEvents and keeps what it accepted. */
export interface EventBridgeSink {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` to `EventBridgeClient`. */
  endpoint: string;
  /** Accepted events, oldest first. */
  events(): SinkEvent[];
  /** Forgets the accepted events and the counters; pending faults stay. */
  clear(): void;
  stats(): SinkStats;
  /** Changes the latency added to every answer. */
  setDelayMs(ms: number): void;
  /** The next `count` otherwise valid entries fail inside a 200 answer (a partial failure). */
  failNext(count: number, errorCode?: string): void;
  /**
   * The next `count` requests fail as a whole with `status` and an AWS error type: by default
   * `InternalException` for 5xx and `ThrottlingException` otherwise. The AWS SDK retries both.
   */
  failRequests(count: number, status: number, errorType?: string): void;
  /** Drops every pending `failNext` and `failRequests` fault. */
  clearFaults(): void;
  stop(): Promise<void>;
}

const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
const MAX_ENTRIES = 10;

interface RequestFault {
  status: number;
  errorType: string;
}

const defaultErrorType = (status: number): string =>
  status >= 500 ? 'InternalException' : 'ThrottlingException';

const faultMessage = (errorType: string): string =>
  errorType === 'ThrottlingException' ? 'Rate exceeded' : 'Injected by the local EventBridge sink';

/**
 * Starts a PutEvents-only EventBridge on a free loopback port, speaking the AWS JSON 1.1 wire
 * protocol, so `new EventBridgeClient({ endpoint })` and `PutEventsCommand` work unchanged.
 * Entries are validated as EventBridge does (1-10 per request, Source, DetailType and Detail
 * required, Detail a JSON object, at most 256 KB); bad entries fail alone, as in AWS.
 */
export const startEventBridgeSink = async (
  options: EventBridgeSinkOptions = {},
): Promise<EventBridgeSink> => {
  let delayMs = options.delayMs ?? 0;
  let stored: SinkEvent[] = [];
  let stats: SinkStats = { requests: 0, accepted: 0, failedEntries: 0, failedRequests: 0 };
  const entryFaults: string[] = [];
  const requestFaults: RequestFault[] = [];

  const putEvents = (response: ServerResponse, body: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      sendError(response, 400, 'SerializationException', 'Request body is not valid JSON.');
      return;
    }
    const entries = isJsonObject(parsed) ? parsed.Entries : undefined;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      const count = Array.isArray(entries) ? entries.length : 0;
      sendError(
        response,
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: ` +
          `Member must have length between 1 and ${MAX_ENTRIES} (got ${count}).`,
      );
      return;
    }
    const results = entries.map((raw: unknown) => {
      const verdict = validateEntry(raw);
      if (!verdict.ok) return { ErrorCode: verdict.errorCode, ErrorMessage: verdict.errorMessage };
      const injected = entryFaults.shift();
      if (injected !== undefined) {
        return { ErrorCode: injected, ErrorMessage: 'Injected by the local EventBridge sink' };
      }
      const { time, ...entry } = verdict.entry;
      const id = randomUUID();
      stored.push({ id, ...entry, time: time.toISOString() });
      return { EventId: id };
    });
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    stats.accepted += results.length - failed;
    stats.failedEntries += failed;
    sendJson(response, 200, { FailedEntryCount: failed, Entries: results });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    stats.requests += 1;
    const body = await readBody(request);
    await sleep(delayMs);
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || target !== PUT_EVENTS_TARGET) {
      sendError(response, 400, 'UnknownOperationException', `Unknown operation ${String(target)}`);
      return;
    }
    const fault = requestFaults.shift();
    if (fault !== undefined) {
      stats.failedRequests += 1;
      sendError(response, fault.status, fault.errorType, faultMessage(fault.errorType));
      return;
    }
    putEvents(response, body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(response, 500, 'InternalException', String(error));
      } else {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
  const endpoint = await listenOnLoopback(server);

  return {
    endpoint,
    events: () => [...stored],
    clear: () => {
      stored = [];
      stats = { requests: 0, accepted: 0, failedEntries: 0, failedRequests: 0 };
    },
    stats: () => ({ ...stats }),
    setDelayMs: (ms) => {
      delayMs = ms;
    },
    failNext: (count, errorCode = 'InternalFailure') => {
      for (let i = 0; i < count; i += 1) entryFaults.push(errorCode);
    },
    failRequests: (count, status, errorType = defaultErrorType(status)) => {
      for (let i = 0; i < count; i += 1) requestFaults.push({ status, errorType });
    },
    clearFaults: () => {
      entryFaults.length = 0;
      requestFaults.length = 0;
    },
    stop: () => closeServer(server),
  };
};
