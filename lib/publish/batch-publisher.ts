import { createHash } from 'node:crypto';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { PublishError } from '../errors.ts';
import type { ConnectionMonitor } from '../huawei/index.ts';

/** The `DetailType` of every event this project publishes. */
const MONITOR_CREATED_DETAIL_TYPE = 'VPN Connection Monitor Created';

/** The `detail` of a "monitor created" event; `event_id` is stable across repeats. */
export interface MonitorCreatedDetail {
  event_id: string;
  connection_monitor: ConnectionMonitor;
  request_id: string | undefined;
  project_id: string;
  region: string;
  vpn_connection_id: string;
  outcome: 'created' | 'already_existed';
  correlation: Record<string, string>;
}

/**
 * A UUID-shaped id derived from project, connection and monitor, so every publication about
 * the same monitor carries the same id and consumers can drop repeats.
 */
export const stableEventId = (...ids: [project: string, connection: string, monitor: string]) => {
  const h = createHash('sha256').update(ids.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Where and as whom events are published. */
export interface PublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  source: string;
}

/** EventBridge takes at most 10 entries per `PutEvents`, and at most 256 KB of them. */
const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;
/**
 * An entry waits at most this long for others to join its call: the batch's answer waits for
 * its slowest record anyway, and under Huawei's rate limit records finish seconds apart.
 */
const DEFAULT_LINGER_MS = 3_000;

const utf8 = (text: string | undefined): number => Buffer.byteLength(text ?? '', 'utf8');

/**
 * An entry's size as EventBridge counts it against the 256 KB of a call (source, detail type,
 * detail, resources, time), plus its bus name, to be safe.
 */
const entrySize = (entry: PutEventsRequestEntry): number =>
  utf8(entry.Source) +
  utf8(entry.DetailType) +
  utf8(entry.Detail) +
  utf8(entry.EventBusName) +
  (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0) +
  (entry.Time ? 14 : 0);

interface Pending {
  entry: PutEventsRequestEntry;
  resolve: (eventId: string) => void;
  reject: (error: PublishError) => void;
}

/** One invocation's publisher: records hand it their event and await their own entry's fate. */
export interface BatchPublisher {
  /** A record starts: the publisher waits for it before it sends a call that is not full. */
  begin(): void;
  /**
   * A record is finished, with or without an event, or is no longer to be waited for (it
   * retries: its event, if any, goes without holding up the others').
   */
  end(): void;
  /** Publishes one event in the next call; rejects with {@link PublishError} if its entry failed. */
  publish(detail: MonitorCreatedDetail): Promise<string>;
}

/**
 * Gathers the "monitor created" events of one invocation into as few `PutEvents` calls as
 * EventBridge allows (10 entries, 256 KB). A call goes out when it is full, when every record
 * still running is waiting on its event, when its first entry has waited `lingerMs`, or just
 * before `deadline`. Each entry's failure fails only its own record (the caller retries it);
 * a failed call fails all of its entries.
 */
export const createBatchPublisher = (
  options: PublisherOptions,
  budget: { deadline: number; signal?: AbortSignal | undefined; lingerMs?: number },
): BatchPublisher => {
  let running = 0;
  let queue: Pending[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;

  const send = async (batch: Pending[]): Promise<void> => {
    try {
      const output = await options.client.send(
        new PutEventsCommand({ Entries: batch.map((p) => p.entry) }),
        budget.signal ? { abortSignal: budget.signal } : {},
      );
      batch.forEach((pending, i) => {
        const result = output.Entries?.[i];
        if (result?.EventId && !result.ErrorCode) pending.resolve(result.EventId);
        else {
          pending.reject(
            new PublishError(
              `EventBridge rejected the event on bus ${options.eventBusName}: ${result?.ErrorCode ?? 'no event id'} ${result?.ErrorMessage ?? ''}`.trim(),
              { errorCode: result?.ErrorCode },
            ),
          );
        }
      });
    } catch (error) {
      const failure = new PublishError(
        `PutEvents to bus ${options.eventBusName} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      for (const pending of batch) pending.reject(failure);
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    bytes = 0;
    void send(batch);
  };

  const flushIfReady = (): void => {
    if (queue.length > 0 && queue.length >= running) flush();
  };

  return {
    begin: () => {
      running++;
    },
    end: () => {
      running--;
      flushIfReady();
    },
    publish: (detail) => {
      const entry: PutEventsRequestEntry = {
        EventBusName: options.eventBusName,
        Source: options.source,
        DetailType: MONITOR_CREATED_DETAIL_TYPE,
        Detail: JSON.stringify(detail),
      };
      const size = entrySize(entry);
      if (bytes + size > MAX_BYTES_PER_CALL) flush();
      return new Promise<string>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        bytes += size;
        if (queue.length >= MAX_ENTRIES_PER_CALL) return flush();
        if (timer === undefined) {
          const wait = Math.min(
            budget.lingerMs ?? DEFAULT_LINGER_MS,
            Math.max(0, budget.deadline - Date.now() - 500),
          );
          timer = setTimeout(flush, wait);
        }
        flushIfReady();
      });
    },
  };
};
