import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

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
