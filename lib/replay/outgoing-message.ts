import type { Message, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { buildCopy, deduplicationId, REPLAY_ATTRIBUTE, replayAttribute } from '../queue/index.ts';
import { type DeadLetterInfo, reasonLabel } from './dead-letter-info.ts';

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

/**
 * A deduplication id for the n-th replay of a FIFO message. The original id alone would be
 * unsafe: within SQS's 5-minute deduplication window the copy would be accepted and silently
 * dropped, and the DLQ message then deleted, which loses it. Deriving it from the original and
 * the replay count keeps it stable for a retry of the same replay, which SQS then deduplicates.
 */
export function replayDeduplicationId(original: string, replayCount: number): string {
  return deduplicationId(`${original}.replay-${replayCount}`);
}

/**
 * Builds the copy of a dead-lettered message for the target queue with the queue writer: the
 * body unchanged; `vpn_monitor_failure` dropped (it described the last failure and would be
 * stale, or wrong after an SQS redrive) and `vpn_monitor_replay` written anew with the replay
 * count one higher, as an optional attribute: the original attributes win SQS's limits, and
 * without room the copy goes without replay metadata, which `createMonitor` never needs. FIFO
 * targets get the message's group id and a deduplication id derived from its own (see
 * {@link replayDeduplicationId}).
 */
export function buildReplayEntry(
  message: Message,
  info: DeadLetterInfo,
  target: { id: string; fifo: boolean; now: Date },
): ReplayEntry {
  const replayCount = info.replayCount + 1;
  const metadata = replayAttribute({
    original_message_id: info.originalMessageId,
    dlq_message_id: info.messageId,
    replayed_at: target.now.toISOString(),
    replay_count: replayCount,
    reason: reasonLabel(info),
  });
  const copy = buildCopy(
    target.fifo,
    {
      messageId: info.messageId,
      body: message.Body ?? '',
      messageAttributes: message.MessageAttributes ?? {},
      messageGroupId: message.Attributes?.MessageGroupId,
      traceHeader: message.Attributes?.AWSTraceHeader,
    },
    {
      own: { name: REPLAY_ATTRIBUTE, value: metadata, optional: true },
      fifo: {
        defaultGroupId: DEFAULT_GROUP_ID,
        deduplicationId: `${message.Attributes?.MessageDeduplicationId ?? info.messageId}.replay-${replayCount}`,
      },
    },
  );
  return {
    entry: { Id: target.id, ...copy.request },
    bytes: copy.bytes,
    metadataDropped: copy.ownDropped,
  };
}
