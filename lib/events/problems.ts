import type * as z from '../zod.ts';

/** What is wrong with a message and where, before it is labelled with the shape it had. */
export interface Problem {
  /** Dotted path inside the message body, `detail.vpn_connection_id`; empty for the whole body. */
  path: string;
  /** What is wrong, for an operator reading the dead-letter queue. */
  message: string;
  /** The underlying error, when there is one (a JSON syntax error). */
  cause?: unknown;
}

/** The result of one parsing step: its value, or the problem that stopped it. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** A failed {@link Outcome}: the problem at `path`. */
export const fail = (
  path: string,
  message: string,
  cause?: unknown,
): { ok: false; problem: Problem } => ({ ok: false, problem: { path, message, cause } });

/** Values echoed in a message are cut to this many characters, so reasons stay small. */
const ECHO_LIMIT = 64;

/**
 * Describes a value for an error message: strings quoted and escaped (control characters and
 * lone surrogates cannot break a log line or a message attribute) and cut to {@link ECHO_LIMIT}.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value !== 'string') return `${typeof value} ${String(value)}`;
  const kept = cut(value, ECHO_LIMIT);
  return kept === value
    ? JSON.stringify(value)
    : `${JSON.stringify(kept)}… (${value.length} characters)`;
}

/**
 * Makes foreign text (a JSON syntax error that quotes the body) safe to embed in a reason:
 * control characters escaped, at most `limit` characters kept.
 */
export function printable(text: string, limit: number): string {
  const kept = cut(text, limit);
  const escaped = JSON.stringify(kept).slice(1, -1);
  return kept === text ? escaped : `${escaped}…`;
}

/** A thrown value's message, {@link printable}. */
export const errorText = (error: unknown): string =>
  printable(error instanceof Error ? error.message : String(error), 160);

/** The first `limit` code points of `text`, never splitting a surrogate pair. */
function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let kept = '';
  let count = 0;
  for (const character of text) {
    if (count === limit) break;
    kept += character;
    count += 1;
  }
  return kept;
}

/** Joins a path prefix and the segments below it: `Message` + `detail.region`. */
export function joinPath(prefix: string, segments: readonly PropertyKey[]): string {
  return [prefix, ...segments.map(String)].filter((part) => part !== '').join('.');
}

/**
 * Turns the first issue of a failed zod parse into a {@link Problem}, echoing the offending
 * value from `input` and counting the other issues, so the reason names one clear fault.
 */
function problemFromZod(error: z.core.$ZodError, input: unknown, prefix: string): Problem {
  const [first, ...others] = error.issues;
  if (first === undefined) return { path: prefix, message: 'is not valid' };
  const value = valueAt(input, first.path);
  const more =
    others.length > 0
      ? ` (and ${others.length} more problem${others.length === 1 ? '' : 's'})`
      : '';
  return { path: joinPath(prefix, first.path), message: `${explain(first, value)}${more}` };
}

/** Validates `input` found at `path` against `schema`: its output, or the first issue as a {@link Problem}. */
export function readWith<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  path: string,
): Outcome<z.output<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: problemFromZod(parsed.error, input, path) };
}

function explain(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type') {
    return value === undefined
      ? 'is missing'
      : `must be ${withArticle(issue.expected)}, got ${describeValue(value)}`;
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((allowedValue) => JSON.stringify(allowedValue)).join(' or ');
    return `must be ${allowed}, got ${describeValue(value)}`;
  }
  return `${issue.message}, got ${describeValue(value)}`;
}

/** `an object`, `a string`, `an EventBridge envelope`. */
export function withArticle(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** The value at `path` below `input`, following own properties only. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || typeof segment === 'symbol') {
      return undefined;
    }
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A parsed JSON object (not an array, not `null`). */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object; false for arrays, `null` and every other value. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses `text`, found at `path` (`''` for the body itself), as a JSON object. Never throws: a
 * syntax error or a value that is not an object becomes the problem.
 */
export function parseJsonObject(text: string, path: string): Outcome<JsonObject> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    return fail(path, `is not JSON (${errorText(error)})`, error);
  }
  if (!isJsonObject(value)) return fail(path, `must be a JSON object, got ${describeValue(value)}`);
  return { ok: true, value };
}

/*
 * Producers write an event's time as ISO 8601 text (EventBridge and CloudEvents `time`, SMN
 * `timestamp`, SNS `Timestamp`) or epoch milliseconds (Cloud Trace `time`). The time is a hint
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
