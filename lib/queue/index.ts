/**
 * The queue folder's face: the one writer of SQS messages and every `vpn_monitor_*` attribute.
 * @module
 */
export * from './attributes.ts';
export { type BatchResult, chunk, deleteBatch, MAX_BATCH_ENTRIES, sendBatch } from './batches.ts';
export {
  buildCopy,
  deduplicationId,
  fitAttributes,
  isFifoQueue,
  MAX_DELAY_SECONDS,
  queueUrlFromArn,
  sendCopy,
  sendToDeadLetterQueue,
} from './writer.ts';
