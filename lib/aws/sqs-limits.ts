/**
 * SQS's message limits: text for message attributes within SQS's character set and a byte
 * budget, and the sizes SQS counts a message and a batch by. The queue writer's one fitting step
 * calls them for every copy, so a message's failure reason always reaches the DLQ with it.
 */

import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/**
 * The dead-letter queue's `MaximumMessageSize` (serverless.yml, `DeadLetterQueue`): SQS's
 * highest, 1 MiB, so that it takes anything the source queue takes plus the reason.
 */
export const DEAD_LETTER_QUEUE_MAX_BYTES = 1_048_576;

/**
 * Bytes of the DLQ's limit kept for the failure reason: its shortest form (kind, the source
 * message id, a cut message) always fits in this, attribute name and type included.
 */
export const FAILURE_REASON_RESERVE_BYTES = 1024;

/**
 * The highest `MaximumMessageSize` the source queue may be given (its `sourceQueueMaxMessageBytes`
 * parameter): every message it takes then reaches the DLQ with its reason.
 */
export const SOURCE_QUEUE_MAX_BYTES_LIMIT =
  DEAD_LETTER_QUEUE_MAX_BYTES - FAILURE_REASON_RESERVE_BYTES;

/**
 * What SQS does NOT take in a message: its documented set is #x9 | #xA | #xD | #x20 to #xD7FF |
 * #xE000 to #xFFFD | #x10000 to #x10FFFF. With the `u` flag a valid surrogate pair is one
 * character (allowed) and a lone surrogate is matched (refused).
 */
const OUTSIDE_SQS_CHARACTERS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * `text` with every character SQS refuses (U+FFFF, U+FFFE, control characters, lone
 * surrogates) replaced by U+FFFD, the replacement character.
 */
export const toSqsText = (text: string): string => text.replace(OUTSIDE_SQS_CHARACTERS, '\uFFFD');

/** Every string in a JSON-like value made {@link toSqsText}, object keys included. */
const sanitise = (value: unknown): unknown => {
  if (typeof value === 'string') return toSqsText(value);
  if (Array.isArray(value)) return value.map(sanitise);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [toSqsText(key), sanitise(item)]),
    );
  }
  return value;
};

/** A value's JSON with `field` cut to its first `chars` characters (and a mark when cut). */
const withFieldCut = (fields: Record<string, unknown>, field: string, chars: number): string => {
  const text = String(fields[field] ?? '');
  if (chars >= text.length) return JSON.stringify(fields);
  let end = chars;
  // Never split a surrogate pair: half of one is outside SQS's set.
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return JSON.stringify({ ...fields, [field]: `${text.slice(0, end)}…` });
};

const bytes = (text: string): number => Buffer.byteLength(text);

/**
 * An attribute value given as JSON fields that may be shortened to fit: cut and dropped as
 * {@link fitJsonAttribute} does, or `fallback` (its JSON) when nothing else fits.
 */
export interface FittableJson {
  fields: Readonly<Record<string, unknown>>;
  fallback: Readonly<Record<string, unknown>>;
  /** The one long text to cut first (a reason's `message`). */
  shorten: string;
  /** Fields dropped one after the other, in this order, when cutting `shorten` is not enough. */
  dropOrder: readonly string[];
}

/**
 * The JSON of `fields` in SQS's character set and at most `budgetBytes` UTF-8 bytes: whole
 * when it fits; else `shorten` is cut (marked with "…") to the longest that fits; else the
 * `dropOrder` fields are left out one by one, `shorten` again as long as fits. `undefined`
 * only when even the fields left after every drop, with `shorten` empty, exceed the budget.
 */
export const fitJsonAttribute = (
  fields: Readonly<Record<string, unknown>>,
  budgetBytes: number,
  options: Pick<FittableJson, 'shorten' | 'dropOrder'>,
): string | undefined => {
  const clean = sanitise(fields) as Record<string, unknown>;
  const whole = JSON.stringify(clean);
  if (bytes(whole) <= budgetBytes) return whole;
  let kept = clean;
  for (let dropped = 0; dropped <= options.dropOrder.length; dropped++) {
    if (dropped > 0) {
      const { [options.dropOrder[dropped - 1] ?? '']: _left, ...rest } = kept;
      kept = rest;
    }
    if (bytes(withFieldCut(kept, options.shorten, 0)) > budgetBytes) continue;
    // The longest cut that fits: JSON escapes make bytes grow unevenly with characters.
    let low = 0;
    let high = String(kept[options.shorten] ?? '').length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (bytes(withFieldCut(kept, options.shorten, middle)) <= budgetBytes) low = middle;
      else high = middle - 1;
    }
    return withFieldCut(kept, options.shorten, low);
  }
  return undefined;
};

/** The JSON text of `value` within `budgetBytes` (see {@link fitJsonAttribute}), in SQS's set. */
export const fitJson = (value: FittableJson, budgetBytes: number): string =>
  fitJsonAttribute(value.fields, budgetBytes, value) ?? JSON.stringify(sanitise(value.fallback));

/** SQS allows 10 message attributes a message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/** The most bytes a message (body and attributes), or a whole `SendMessageBatch`, may carry. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** One attribute's bytes as SQS counts them against {@link MAX_MESSAGE_BYTES}. */
export const attributeBytes = (name: string, value: MessageAttributeValue): number =>
  Buffer.byteLength(name) +
  Buffer.byteLength(value.DataType ?? '') +
  Buffer.byteLength(value.StringValue ?? '') +
  (value.BinaryValue?.byteLength ?? 0);

/** The bytes of a set of attributes, as SQS counts them. */
export const attributesBytes = (attributes: Record<string, MessageAttributeValue>): number =>
  Object.entries(attributes).reduce((sum, [name, value]) => sum + attributeBytes(name, value), 0);

/**
 * Groups entries into `SendMessageBatch` calls within SQS's limits: at most `size` entries and
 * 256 KB in all per call, in order.
 */
export function toBatches<T extends { bytes: number }>(entries: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length >= size || (current.length > 0 && bytes + entry.bytes > MAX_MESSAGE_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
