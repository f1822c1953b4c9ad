import type { Message } from '@aws-sdk/client-sqs';
import { type SqsClient, toBatches } from '../aws/index.ts';
import {
  type BatchResult,
  chunk,
  deleteBatch,
  isFifoQueue,
  MAX_BATCH_ENTRIES,
  sendBatch,
} from '../queue/index.ts';
import type { DeadLetterInfo } from './dead-letter-info.ts';
import { ReplayTargetError } from './errors.ts';
import type { HeldMessages } from './held-messages.ts';
import { buildReplayEntry } from './outgoing-message.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { MessageOutcome, StopReason } from './report.ts';
import { describeError, type ReplayRuntime, stopRequested } from './runtime.ts';
import type { ReplayTally } from './tally.ts';

/** A received message that matched and is to be copied. */
export interface Pending {
  message: Message;
  info: DeadLetterInfo;
  receiptHandle: string;
}

/** What a sender works with; none of it changes during a replay. */
export interface CopySenderDeps {
  sqs: SqsClient;
  plan: { dlqUrl: string; targetUrl: string | undefined };
  runtime: ReplayRuntime;
  tally: ReplayTally;
  held: HeldMessages;
  limiter: RateLimiter;
  batchSize: number;
}

/** The sending half of a copy replay: see {@link createCopySender}. */
export interface CopySender {
  /**
   * Sends the pending messages to the target in rate-limited batches and deletes from the DLQ
   * each one whose copy SQS confirmed. Returns why the replay must stop (deadline, signal) or
   * `undefined` to go on; throws, after recording every pending message's outcome, when SQS
   * refuses a whole `SendMessageBatch`.
   */
  send(pending: Pending[]): Promise<StopReason | undefined>;
  /**
   * Tries once more to delete what was sent but not deleted. What still fails stays in the DLQ
   * as well as in the target: reported as `sent-not-deleted`; replaying it again is harmless,
   * because `createMonitor` is idempotent per connection.
   */
  finish(): Promise<void>;
}

/**
 * The sender of one copy replay. It keeps the messages sent and confirmed but not yet deleted
 * from the DLQ, and tries them again in `finish()`.
 */
export function createCopySender(deps: CopySenderDeps): CopySender {
  const { sqs, plan, runtime, tally, held, limiter, batchSize } = deps;
  const unconfirmedDeletes: Pending[] = [];

  const record = (pending: Pending, outcome: MessageOutcome, error?: string): void => {
    const line = tally.record(pending.info, outcome, error);
    runtime.onMessage?.(line);
  };

  const deleteAll = async (items: Pending[]): Promise<Map<Pending, string>> => {
    const failed = new Map<Pending, string>();
    for (const part of chunk(items, MAX_BATCH_ENTRIES)) {
      const handles = part.map((item, index) => ({
        id: `d${index}`,
        receiptHandle: item.receiptHandle,
      }));
      try {
        const results = await deleteBatch(sqs, plan.dlqUrl, handles);
        part.forEach((item, index) => {
          const refused = results.get(`d${index}`);
          if (refused !== undefined) failed.set(item, refused);
        });
      } catch (error: unknown) {
        for (const item of part) failed.set(item, describeError(error));
      }
    }
    return failed;
  };

  /** Deletes the DLQ copies of sent messages; any it cannot confirm wait for `finish()`. */
  const deleteSent = async (sent: Pending[]): Promise<void> => {
    for (const item of sent) held.forget(item.info.messageId);
    if (sent.length === 0) return;
    const failed = await deleteAll(sent);
    for (const item of sent) {
      if (failed.has(item)) unconfirmedDeletes.push(item);
      else record(item, 'moved');
    }
  };

  const send = async (pending: Pending[]): Promise<StopReason | undefined> => {
    if (pending.length === 0) return undefined;
    const target = plan.targetUrl;
    if (target === undefined) throw new ReplayTargetError('No target queue to replay to: use --to');
    const now = new Date(runtime.clock?.now() ?? Date.now());
    const fifo = isFifoQueue(target);
    const entries = pending.map((item, index) => ({
      pending: item,
      ...buildReplayEntry(item.message, item.info, { id: `m${index}`, fifo, now }),
    }));
    const batches = toBatches(entries, batchSize);
    for (const [index, batch] of batches.entries()) {
      const later = batches.slice(index + 1).flat();
      const stop = { deadline: runtime.deadline, signal: runtime.signal };
      if (!(await limiter.acquire(batch.length, stop))) {
        for (const entry of [...batch, ...later]) record(entry.pending, 'left');
        return stopRequested(runtime, Number.POSITIVE_INFINITY) ?? 'deadline';
      }
      let results: BatchResult;
      try {
        results = await sendBatch(
          sqs,
          target,
          batch.map((entry) => entry.entry),
        );
      } catch (error: unknown) {
        const reason = `send not confirmed, ${describeError(error)}`;
        for (const entry of batch) record(entry.pending, 'failed', reason);
        for (const entry of later) record(entry.pending, 'left');
        throw error;
      }
      const sent: Pending[] = [];
      for (const entry of batch) {
        const refused = results.get(entry.entry.Id ?? '');
        if (refused !== undefined) {
          record(entry.pending, 'failed', refused);
          continue;
        }
        if (entry.metadataDropped) tally.metadataDropped();
        sent.push(entry.pending);
      }
      await deleteSent(sent);
    }
    return undefined;
  };

  const finish = async (): Promise<void> => {
    const items = unconfirmedDeletes.splice(0);
    if (items.length === 0) return;
    const failed = await deleteAll(items);
    for (const item of items) {
      const reason = failed.get(item);
      if (reason === undefined) record(item, 'moved');
      else record(item, 'sent-not-deleted', `delete from the DLQ failed: ${reason}`);
    }
    if (failed.size > 0) {
      tally.warn(
        `${failed.size} messages were sent but are still in the DLQ; a later replay sends them again, which createMonitor absorbs`,
      );
    }
  };

  return { send, finish };
}
