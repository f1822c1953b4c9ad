/**
 * The queue folder's face: the one writer of SQS messages and every `vpn_monitor_*` attribute.
 * @module
 */
export * from './attributes.ts';
export {
  type BatchResult,
  buildCopy,
  chunk,
  deduplicationId,
  deleteBatch,
  fitAttributes,
  holdMessage,
  isFifoQueue,
  MAX_BATCH_ENTRIES,
  MAX_DELAY_SECONDS,
  queueUrlFromArn,
  type SourceMessage,
  sendBatch,
  sendCopy,
  sendToDeadLetterQueue,
} from './writer.ts';
