import {
  BATCH_CREATE_VPN_CONNECTION_TRACE,
  CREATE_VPN_CONNECTION_TRACE,
} from '../../lib/events/cloud-trace.ts';
import { sleep } from '../aws/loopback.ts';
import {
  type CloudEventJson,
  type ConnectionCreatedNotice,
  connectionCreatedEvent,
} from './cloud-trace.ts';
import { type DeliveryMode, deliveryRequest } from './delivery.ts';

/** The trace names a subscription for new VPN connections lets through. */
const CONNECTION_CREATED_TRACES: readonly string[] = [
  CREATE_VPN_CONNECTION_TRACE,
  BATCH_CREATE_VPN_CONNECTION_TRACE,
];

/**
 * The subscription's filter, as docs/ingest-updates.md sets it up: VPN cloud-trace events whose
 * trace announces a create. No `code` clause: EventGrid's `StringIn` matches strings only and
 * CTS documents `code` as a number, so such a clause might never match; the parser ignores
 * failed creates instead.
 */
const matchesConnectionCreated = (event: CloudEventJson): boolean =>
  event.source === 'HC.VPN' &&
  ['VPN:CloudTrace:ApiCall', 'VPN:CloudTrace:ConsoleAction'].includes(event.type) &&
  CONNECTION_CREATED_TRACES.includes(String(event.data.trace_name));

/** Options of {@link startEventGrid}. */
export interface EventGridOptions {
  /** The webhook target's URL (EventGrid sends a URL and nothing else). */
  webhookUrl: string;
  /**
   * How events are sent; `mixed` takes structured, binary, batched and envelope in turn. Which
   * one EventGrid's WEBHOOK target uses is not documented, so none is the default.
   */
  mode: DeliveryMode | 'mixed';
  /** Retries after the first attempt, on 5xx, 429 and network errors; default 16. */
  retryTimes?: number;
  /** Full-jitter backoff between attempts: base and cap, in ms; default 100 and 2,000. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Batched mode: events per request (default 10) and how long to wait for more (default 20 ms). */
  batchSize?: number;
  batchWindowMs?: number;
  /** Requests in flight at once; default 4. */
  concurrency?: number;
  /** Per-attempt timeout; default 5,000 ms. */
  timeoutMs?: number;
  /** The subscription's filter; default {@link matchesConnectionCreated}. */
  filter?: (event: CloudEventJson) => boolean;
  /** How the trace holds request and response; default JSON strings. */
  traceBodies?: 'string' | 'object';
}

/** What the stand-in did. */
export interface EventGridStats {
  published: number;
  filteredOut: number;
  requests: number;
  retries: number;
  /** Events whose request was answered 2xx. */
  delivered: number;
  deadLettered: number;
  byMode: Record<DeliveryMode, number>;
  byStatus: Record<string, number>;
}

/** A running EventGrid stand-in with one subscription and one webhook target. */
export interface EventGrid {
  /** Offers an event to the subscription; `false` when its filter drops it. */
  publish(event: CloudEventJson): boolean;
  /** Publishes the CTS trace of a created connection (the simulator's hook calls this). */
  connectionCreated(notice: ConnectionCreatedNotice): CloudEventJson;
  /** Resolves once every accepted event was delivered or dead-lettered. */
  idle(): Promise<void>;
  stats(): EventGridStats;
  /** Events given up on, with the last answer: the target's dead-letter queue. */
  deadLetters(): { event: CloudEventJson; lastStatus: string }[];
  /** Stops accepting events; pending ones are still delivered. */
  stop(): Promise<void>;
}

/**
 * Starts an EventGrid stand-in: a subscription with a filter and a WEBHOOK target that POSTs
 * CloudEvents per the CloudEvents HTTP binding or in EventGrid's `{"events":[...]}` envelope, retrying 5xx, 429 and network errors with
 * capped full-jitter backoff up to `retryTimes`, and dead-lettering the rest (4xx are not
 * retried). Huawei documents `retry_times` and the dead-letter queue; its backoff, which mode
 * its webhook uses and whether it batches are not documented, so each is a setting here.
 */
export const startEventGrid = (options: EventGridOptions): EventGrid => {
  const retryTimes = options.retryTimes ?? 16;
  const base = options.retryBaseMs ?? 100;
  const cap = options.retryCapMs ?? 2_000;
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 4;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const filter = options.filter ?? matchesConnectionCreated;
  const stats: EventGridStats = {
    published: 0,
    filteredOut: 0,
    requests: 0,
    retries: 0,
    delivered: 0,
    deadLettered: 0,
    byMode: { structured: 0, batched: 0, binary: 0, envelope: 0 },
    byStatus: {},
  };
  const dead: { event: CloudEventJson; lastStatus: string }[] = [];
  const queue: { mode: DeliveryMode; events: CloudEventJson[] }[] = [];
  /** Events waiting to be sent together, in batched or envelope form. */
  let buffer: { mode: 'batched' | 'envelope'; event: CloudEventJson }[] = [];
  let bufferTimer: NodeJS.Timeout | undefined;
  let running = 0;
  let turn = 0;
  let waiters: (() => void)[] = [];

  const settleIfIdle = () => {
    if (running === 0 && queue.length === 0 && buffer.length === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };

  const attempt = async (mode: DeliveryMode, events: CloudEventJson[]): Promise<string> => {
    const { headers, body } = deliveryRequest(mode, events);
    stats.requests++;
    try {
      const response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      return String(response.status);
    } catch (error: unknown) {
      return error instanceof Error ? error.name : 'NetworkError';
    }
  };

  const deliver = async (mode: DeliveryMode, events: CloudEventJson[]): Promise<void> => {
    for (let n = 0; ; n++) {
      const status = await attempt(mode, events);
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (/^2\d\d$/.test(status)) {
        stats.delivered += events.length;
        stats.byMode[mode] += events.length;
        return;
      }
      const retryable = !/^4\d\d$/.test(status) || status === '429';
      if (!retryable || n >= retryTimes) {
        stats.deadLettered += events.length;
        dead.push(...events.map((event) => ({ event, lastStatus: status })));
        return;
      }
      stats.retries++;
      await sleep(Math.random() * Math.min(cap, base * 2 ** n));
    }
  };

  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const next = queue.shift();
      if (next === undefined) break;
      running++;
      void deliver(next.mode, next.events).finally(() => {
        running--;
        pump();
        settleIfIdle();
      });
    }
  };

  const flushBuffer = () => {
    clearTimeout(bufferTimer);
    bufferTimer = undefined;
    for (const mode of ['batched', 'envelope'] as const) {
      const events = buffer.filter((item) => item.mode === mode).map((item) => item.event);
      if (events.length > 0) queue.push({ mode, events });
    }
    buffer = [];
    pump();
  };

  const modeOf = (): DeliveryMode => {
    if (options.mode !== 'mixed') return options.mode;
    const modes: DeliveryMode[] = ['structured', 'binary', 'batched', 'envelope'];
    return modes[turn++ % modes.length] as DeliveryMode;
  };

  const publish = (event: CloudEventJson): boolean => {
    if (!filter(event)) {
      stats.filteredOut++;
      return false;
    }
    stats.published++;
    const mode = modeOf();
    if (mode !== 'batched' && mode !== 'envelope') {
      queue.push({ mode, events: [event] });
      pump();
      return true;
    }
    buffer.push({ mode, event });
    if (buffer.length >= batchSize) flushBuffer();
    else bufferTimer ??= setTimeout(flushBuffer, options.batchWindowMs ?? 20);
    return true;
  };

  return {
    publish,
    connectionCreated: (notice) => {
      const event = connectionCreatedEvent(notice, options.traceBodies ?? 'string');
      publish(event);
      return event;
    },
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settleIfIdle();
      }),
    stats: () => ({
      ...stats,
      byMode: { ...stats.byMode },
      byStatus: { ...stats.byStatus },
    }),
    deadLetters: () => [...dead],
    stop: async () => {
      flushBuffer();
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        settleIfIdle();
      });
    },
  };
};
