import { createHash } from 'node:crypto';
import type {
  Message,
  MessageAttributeValue,
  SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { attributeBytes, MAX_MESSAGE_ATTRIBUTES, MAX_MESSAGE_BYTES } from '../aws/index.ts';
import { FAILURE_ATTRIBUTE } from '../dlq/dead-letter.ts';
import { type DeadLetterInfo, reasonLabel } from './dead-letter-info.ts';
import { REPLAY_ATTRIBUTE, replayAttribute } from './replay-metadata.ts';

/** Group of a replay into a FIFO queue from a message that had none (a standard DLQ). */
const DEFAULT_GROUP_ID = 'vpn-monitor-replay';

/** A message ready for `SendMessageBatch`, with what sizing it cost. */
export interface ReplayEntry {
  entry: SendMessageBatchRequestEntry;
  /** Body and attributes, as SQS counts them against its limits. */
  bytes: number;
  /** True when the replay attribute had no room left and the copy goes without it. */
  metadataDropped: boolean;
}

/** Only the fields SendMessage takes: received values may carry empty list fields. */
const sendable = (value: MessageAttributeValue): MessageAttributeValue => ({
  DataType: value.DataType,
  ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
  ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
});

/**
 * A deduplication id for the n-th replay of a FIFO message. The original id alone would be
 * unsafe: within SQS's 5-minute deduplication window the copy would be accepted and silently
 * dropped, and the DLQ message then deleted, which loses it. Deriving it from the original and
 * the replay count keeps it stable for a retry of the same replay, which SQS then deduplicates.
 */
export function replayDeduplicationId(original: string, replayCount: number): string {
  const id = `${original}.replay-${replayCount}`;
  return id.length <= 128 ? id : createHash('sha256').update(id).digest('hex');
}

/**
 * Builds the copy of a dead-lettered message for the target queue: the body unchanged; the
 * message attributes unchanged except that `vpn_monitor_failure` is dropped (it described the
 * last failure and would be stale, or wrong after an SQS redrive) and `vpn_monitor_replay` is
 * written anew with the replay count one higher. The original attributes win SQS's 10-attribute
 * and 256 KB limits: when they leave no room, the copy goes without replay metadata, which
 * `createMonitor` never needs (it reads only the body). FIFO targets get the message's group
 * id and a deduplication id derived from its own (see {@link replayDeduplicationId}).
 */
export function buildReplayEntry(
  message: Message,
  info: DeadLetterInfo,
  target: { id: string; fifo: boolean; now: Date },
): ReplayEntry {
  const body = message.Body ?? '';
  const kept = Object.entries(message.MessageAttributes ?? {})
    .filter(([name]) => name !== FAILURE_ATTRIBUTE && name !== REPLAY_ATTRIBUTE)
    .map(([name, value]) => [name, sendable(value)] as const);
  const keptBytes = kept.reduce((sum, [name, value]) => sum + attributeBytes(name, value), 0);
  const replayCount = info.replayCount + 1;
  const metadata = replayAttribute({
    original_message_id: info.originalMessageId,
    dlq_message_id: info.messageId,
    replayed_at: target.now.toISOString(),
    replay_count: replayCount,
    reason: reasonLabel(info),
  });
  const baseBytes = Buffer.byteLength(body) + keptBytes;
  const metadataBytes = attributeBytes(REPLAY_ATTRIBUTE, metadata);
  const metadataFits =
    kept.length < MAX_MESSAGE_ATTRIBUTES && baseBytes + metadataBytes <= MAX_MESSAGE_BYTES;
  const attributes = Object.fromEntries(
    metadataFits ? [...kept, [REPLAY_ATTRIBUTE, metadata] as const] : kept,
  );
  const traceHeader = message.Attributes?.AWSTraceHeader;
  const fifo = target.fifo
    ? {
        MessageGroupId: message.Attributes?.MessageGroupId ?? DEFAULT_GROUP_ID,
        MessageDeduplicationId: replayDeduplicationId(
          message.Attributes?.MessageDeduplicationId ?? info.messageId,
          replayCount,
        ),
      }
    : {};
  return {
    entry: {
      Id: target.id,
      MessageBody: body,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
      ...(traceHeader !== undefined
        ? {
            MessageSystemAttributes: {
              AWSTraceHeader: { DataType: 'String', StringValue: traceHeader },
            },
          }
        : {}),
      ...fifo,
    },
    bytes: baseBytes + (metadataFits ? metadataBytes : 0),
    metadataDropped: !metadataFits,
  };
}
