/*
 * Producers write the time of an event three ways: ISO 8601 text (EventBridge and CloudEvents
 * `time`, SMN `timestamp`, SNS `Timestamp`) and epoch milliseconds (Cloud Trace `time`). Each
 * becomes one ISO 8601 instant, or nothing when it cannot be read as one: the time is a hint
 * for later decisions, so an unreadable one is dropped rather than the message rejected.
 */

/** Cloud Trace times before 2000 or after 2200 are not real traces' times. */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

/** ISO 8601 date and time, with a zone; `Date.parse` alone accepts far looser text. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 text time as an instant, or `undefined`. */
export function fromIsoText(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ISO_8601.test(value)) return undefined;
  return inRange(Date.parse(value.replace(' ', 'T')));
}

/** Epoch milliseconds (a number, or digits as text) as an instant, or `undefined`. */
export function fromEpochMilliseconds(value: unknown): string | undefined {
  if (typeof value === 'number') return inRange(value);
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return inRange(Number(value));
  return undefined;
}

function inRange(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) return undefined;
  return new Date(ms).toISOString();
}

/**
 * When a record's event happened, epoch ms: the event's own time (`occurredAt`) when it says,
 * else what the first delayed copy recorded (`recorded`, the wait state's `event_time`), else
 * when the message was sent to the queue (`sentAt`, SQS's `SentTimestamp`). The producer's time
 * is never later than the queue's: a clock ahead (or a forged time) must not stretch its own
 * grace period.
 */
export const eventTimeOf = (times: {
  occurredAt?: string | undefined;
  recorded?: string | undefined;
  sentAt?: number | undefined;
}): number | undefined => {
  const own = times.occurredAt === undefined ? Number.NaN : Date.parse(times.occurredAt);
  if (!Number.isNaN(own)) return times.sentAt === undefined ? own : Math.min(own, times.sentAt);
  return times.recorded === undefined ? times.sentAt : Date.parse(times.recorded);
};
