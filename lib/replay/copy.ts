import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { type SqsClient, toBatches } from '../aws/index.ts';
import {
  type BatchResult,
  buildCopy,
  chunk,
  deduplicationId,
  deleteBatch,
  isFifoQueue,
  MAX_BATCH_ENTRIES,
  REPLAY_ATTRIBUTE,
  replayAttribute,
  sendBatch,
} from '../queue/index.ts';
import {
  type DeadLetterInfo,
  matchesFilter,
  type ReplayFilter,
  readDeadLetterInfo,
  reasonLabel,
} from './dead-letter-info.ts';
import { ReplayTargetError } from './errors.ts';
import { hasFilter } from './options.ts';
import { type ReplayReport, ReplayTally, type StopReason } from './report.ts';
import {
  type Clock,
  describeError,
  type ReplayRuntime,
  stopRequested,
  systemClock,
} from './runtime.ts';

/** What a copy replay does. */
export interface CopyPlan {
  dlqUrl: string;
  /** The target queue; may be unknown on a dry run only. */
  targetUrl: string | undefined;
  dryRun: boolean;
  max: number | undefined;
  rate: number | undefined;
  filter: ReplayFilter;
}

/** A received message that matched and is to be copied. */
interface Pending {
  message: Message;
  info: DeadLetterInfo;
  receiptHandle: string;
}

/** Receives that bring back only messages already looked at before the scan counts as done. */
const STALE_RECEIVES_TO_STOP = 3;

/** Group of a replay into a FIFO queue from a message that had none (a standard DLQ). */
const DEFAULT_GROUP_ID = 'vpn-monitor-replay';

/**
 * Paces one sender (the replay loop sends one batch at a time). A batch of `count` goes at its
 * slot, and the next slot is `count / perSecond` seconds later, so over any run the messages sent
 * before the last batch divided by the time up to it is exactly the rate; there is no burst
 * allowance to exceed it. `undefined` means no limit. `acquire` resolves `false`, without sending
 * being allowed, when the slot lies past `deadline` (epoch milliseconds) or the signal fires.
 */
export function createRateLimiter(perSecond: number | undefined, clock: Clock = systemClock) {
  let next = Number.NEGATIVE_INFINITY;
  return {
    async acquire(
      count: number,
      stop: { deadline?: number | undefined; signal?: AbortSignal | undefined } = {},
    ): Promise<boolean> {
      if (stop.signal?.aborted) return false;
      if (perSecond === undefined) return true;
      const now = clock.now();
      const at = Math.max(now, next);
      if (stop.deadline !== undefined && at > stop.deadline) return false;
      next = at + (count * 1000) / perSecond;
      if (at > now) await clock.sleep(at - now, stop.signal);
      return !stop.signal?.aborted;
    },
  };
}

/**
 * Messages per `SendMessageBatch` at a rate: 10 (SQS's most) when unlimited or fast, smaller
 * at low rates so that sends come at least twice a second instead of in one burst a second.
 */
export function sendBatchSize(perSecond: number | undefined): number {
  if (perSecond === undefined) return 10;
  return Math.min(10, Math.max(1, Math.floor(perSecond / 2)));
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
 * without room the copy goes without replay metadata (`metadataDropped`), which `createMonitor`
 * never needs. FIFO targets get the message's group id and a deduplication id derived from its
 * own (see {@link replayDeduplicationId}). `bytes` is what SQS counts against its limits.
 */
export function buildReplayEntry(
  message: Message,
  info: DeadLetterInfo,
  target: { id: string; fifo: boolean; now: Date },
) {
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
        deduplicationId: replayDeduplicationId(
          message.Attributes?.MessageDeduplicationId ?? info.messageId,
          replayCount,
        ),
      },
    },
  );
  return {
    entry: { Id: target.id, ...copy.request },
    bytes: copy.bytes,
    metadataDropped: copy.ownDropped,
  };
}

/** `ApproximateNumberOfMessages`: the visible messages, for a progress bar. */
const approximateVisible = async (sqs: SqsClient, queueUrl: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  const value = Number(Attributes?.ApproximateNumberOfMessages);
  return Number.isFinite(value) ? value : undefined;
};

/** Long enough to send a received batch at the given rate, plus room for slow calls. */
const defaultVisibility = (rate: number | undefined): number =>
  Math.min(43_200, 30 + (rate === undefined ? 0 : Math.ceil(MAX_BATCH_ENTRIES / rate)));

const receive = async (
  sqs: SqsClient,
  plan: CopyPlan,
  runtime: ReplayRuntime,
  wanted: number,
): Promise<Message[]> => {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: plan.dlqUrl,
      MaxNumberOfMessages: Math.max(1, Math.min(MAX_BATCH_ENTRIES, wanted)),
      VisibilityTimeout: runtime.visibilityTimeoutSeconds ?? defaultVisibility(plan.rate),
      WaitTimeSeconds: runtime.receiveWaitSeconds ?? 1,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
};

/**
 * Makes every held message (id → receipt handle) visible again (`ChangeMessageVisibility` 0).
 * Returns what went wrong, one line per refused call or entry; those messages come back by
 * themselves at the end of their visibility timeout instead, so nothing is lost.
 */
const release = async (
  sqs: SqsClient,
  queueUrl: string,
  held: Map<string, string>,
): Promise<string[]> => {
  const entries = [...held.values()].map((receiptHandle, index) => ({
    Id: `h${index}`,
    ReceiptHandle: receiptHandle,
    VisibilityTimeout: 0,
  }));
  const problems: string[] = [];
  for (const part of chunk(entries, MAX_BATCH_ENTRIES)) {
    try {
      const { Failed = [] } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: part }),
      );
      for (const failed of Failed) {
        problems.push(`${failed.Id}: ${failed.Code ?? 'Failed'} ${failed.Message ?? ''}`.trim());
      }
    } catch (error: unknown) {
      problems.push(`${part.length} messages: ${describeError(error)}`);
    }
  }
  return problems;
};

/**
 * The sending half of a copy replay. It keeps the messages sent and confirmed but not yet
 * deleted from the DLQ, and tries them again in `finish()`.
 */
const createCopySender = (
  sqs: SqsClient,
  plan: CopyPlan,
  runtime: ReplayRuntime,
  tally: ReplayTally,
  held: Map<string, string>,
) => {
  const clock = runtime.clock ?? systemClock;
  const limiter = createRateLimiter(plan.rate, clock);
  const batchSize = sendBatchSize(plan.rate);
  const unconfirmedDeletes: Pending[] = [];

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

  return {
    /**
     * Sends the pending messages to the target in rate-limited batches and deletes from the DLQ
     * each one whose copy SQS confirmed (any it cannot confirm wait for `finish()`). Returns why
     * the replay must stop (deadline, signal) or `undefined` to go on; throws, after recording
     * every pending message's outcome, when SQS refuses a whole `SendMessageBatch`.
     */
    async send(pending: Pending[]): Promise<StopReason | undefined> {
      if (pending.length === 0) return undefined;
      const target = plan.targetUrl;
      if (target === undefined)
        throw new ReplayTargetError('No target queue to replay to: use --to');
      const now = new Date(clock.now());
      const fifo = isFifoQueue(target);
      const entries = pending.map((item, index) => ({
        pending: item,
        ...buildReplayEntry(item.message, item.info, { id: `m${index}`, fifo, now }),
      }));
      const batches = toBatches(entries, batchSize);
      for (const [index, batch] of batches.entries()) {
        const later = batches.slice(index + 1).flat();
        if (!(await limiter.acquire(batch.length, runtime))) {
          for (const entry of [...batch, ...later]) tally.record(entry.pending.info, 'left');
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
          for (const entry of batch) tally.record(entry.pending.info, 'failed', reason);
          for (const entry of later) tally.record(entry.pending.info, 'left');
          throw error;
        }
        const sent: Pending[] = [];
        for (const entry of batch) {
          const refused = results.get(entry.entry.Id);
          if (refused !== undefined) {
            tally.record(entry.pending.info, 'failed', refused);
            continue;
          }
          if (entry.metadataDropped) tally.metadataDropped();
          sent.push(entry.pending);
        }
        for (const item of sent) held.delete(item.info.messageId);
        if (sent.length === 0) continue;
        const failed = await deleteAll(sent);
        for (const item of sent) {
          if (failed.has(item)) unconfirmedDeletes.push(item);
          else tally.record(item.info, 'moved');
        }
      }
      return undefined;
    },

    /**
     * Tries once more to delete what was sent but not deleted. What still fails stays in the DLQ
     * as well as in the target: reported as `sent-not-deleted`; replaying it again is harmless,
     * because `createMonitor` is idempotent per connection.
     */
    async finish(): Promise<void> {
      const items = unconfirmedDeletes.splice(0);
      if (items.length === 0) return;
      const failed = await deleteAll(items);
      for (const item of items) {
        const reason = failed.get(item);
        if (reason === undefined) tally.record(item.info, 'moved');
        else tally.record(item.info, 'sent-not-deleted', `delete from the DLQ failed: ${reason}`);
      }
      if (failed.size > 0) {
        tally.warn(
          `${failed.size} messages were sent but are still in the DLQ; a later replay sends them again, which createMonitor absorbs`,
        );
      }
    },
  };
};

/**
 * Replays by copying: receives from the dead-letter queue with every attribute, keeps what the
 * filters select, sends it to the target (see `buildReplayEntry`) at the configured rate, and
 * deletes a DLQ message only once SQS has confirmed its copy. Stops when the queue has nothing
 * left to look at, at `max`, at the deadline, on the signal, or when SQS refuses a whole call; a
 * crash at any point leaves every message in the DLQ, the target, or (between send and delete)
 * both, where idempotency absorbs the second copy.
 *
 * What is skipped, listed by a dry run, or not sent is held invisible during the scan and made
 * visible again together when it ends, not one by one as it is seen, so that the scan does not
 * receive it again and again; a replay that dies before that leaves those messages to come back
 * by themselves when their visibility timeout ends.
 */
export async function copyDeadLetters(
  sqs: SqsClient,
  plan: CopyPlan,
  runtime: ReplayRuntime = {},
): Promise<ReplayReport> {
  const clock = runtime.clock ?? systemClock;
  const tally = new ReplayTally(
    { mode: 'copy', dryRun: plan.dryRun, dlq: plan.dlqUrl, to: plan.targetUrl },
    clock.now(),
    runtime.onMessage,
  );
  // Message id → its latest receipt handle, for every message held invisible on purpose.
  const held = new Map<string, string>();
  const seen = new Set<string>();
  const sender = createCopySender(sqs, plan, runtime, tally, held);
  const narrowed = hasFilter({ ...plan.filter, max: undefined });
  const visible = await approximateVisible(sqs, plan.dlqUrl);
  const total =
    plan.max !== undefined && visible !== undefined ? Math.min(plan.max, visible) : visible;
  const remaining = (): number => (plan.max === undefined ? Infinity : plan.max - tally.decided);
  let stopped: StopReason = 'drained';
  let error: string | undefined;
  let stale = 0;
  try {
    while (stale < STALE_RECEIVES_TO_STOP) {
      const stop =
        stopRequested(runtime, clock.now()) ?? (remaining() <= 0 ? 'max-reached' : undefined);
      if (stop !== undefined) {
        stopped = stop;
        break;
      }
      const messages = await receive(sqs, plan, runtime, narrowed ? 10 : remaining());
      if (messages.length === 0) break;
      const pending: Pending[] = [];
      let fresh = 0;
      for (const message of messages) {
        const { MessageId: id, ReceiptHandle: handle } = message;
        if (id === undefined || handle === undefined) continue;
        held.set(id, handle);
        if (seen.has(id)) continue;
        seen.add(id);
        fresh += 1;
        const info = readDeadLetterInfo(message);
        if (!matchesFilter(info, plan.filter)) tally.skip(info);
        else if (pending.length >= remaining()) continue;
        else if (!plan.dryRun) pending.push({ message, info, receiptHandle: handle });
        else tally.record(info, 'would-move');
      }
      stale = fresh === 0 ? stale + 1 : 0;
      stopped = (await sender.send(pending)) ?? 'drained';
      runtime.onProgress?.(tally.progress(total, clock.now()));
      if (stopped !== 'drained') break;
    }
  } catch (caught: unknown) {
    stopped = 'error';
    error = describeError(caught);
  } finally {
    await sender.finish();
    for (const problem of await release(sqs, plan.dlqUrl, held)) {
      tally.warn(
        `not made visible again (it will be when its visibility timeout ends): ${problem}`,
      );
    }
  }
  const report = tally.finish(stopped, error, clock.now());
  runtime.onProgress?.(tally.progress(total, clock.now()));
  return report;
}
