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
