import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SqsClient } from '../aws/index.ts';
import { MAX_BATCH_ENTRIES } from '../queue/index.ts';
import { createCopySender, type Pending } from './copy-sender.ts';
import { type DeadLetterInfo, readDeadLetterInfo } from './dead-letter-info.ts';
import { matchesFilter, type ReplayFilter } from './filter.ts';
import { HeldMessages } from './held-messages.ts';
import { approximateVisible } from './queues.ts';
import { createRateLimiter, sendBatchSize, systemClock } from './rate-limiter.ts';
import type { ReplayReport, StopReason } from './report.ts';
import { describeError, type ReplayRuntime, stopRequested } from './runtime.ts';
import { ReplayTally } from './tally.ts';

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

/** Receives that bring back only messages already looked at before the scan counts as done. */
const STALE_RECEIVES_TO_STOP = 3;

/** Long enough to send a received batch at the given rate, plus room for slow calls. */
const defaultVisibility = (rate: number | undefined): number =>
  Math.min(43_200, 30 + (rate === undefined ? 0 : Math.ceil(MAX_BATCH_ENTRIES / rate)));

const narrowed = (plan: CopyPlan): boolean =>
  plan.filter.reason.length > 0 ||
  plan.filter.connection.length > 0 ||
  plan.filter.since !== undefined ||
  plan.filter.until !== undefined;

/**
 * Replays by copying: receives from the dead-letter queue with every attribute, keeps what the
 * filters select, sends it to the target (see `buildReplayEntry`) at the configured rate, and
 * deletes a DLQ message only once SQS has confirmed its copy. What is skipped, listed by a dry
 * run, or not sent is held invisible during the scan and made visible again when it ends.
 * Stops when the queue has nothing left to look at, at `max`, at the deadline, on the signal,
 * or when SQS refuses a whole call; a crash at any point leaves every message in the DLQ, the
 * target, or (between send and delete) both, where idempotency absorbs the second copy.
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
  );
  const held = new HeldMessages();
  const seen = new Set<string>();
  const sender = createCopySender({
    sqs,
    plan,
    runtime,
    tally,
    held,
    limiter: createRateLimiter(plan.rate, clock),
    batchSize: sendBatchSize(plan.rate),
  });
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
      const messages = await receive(sqs, plan, runtime, narrowed(plan) ? 10 : remaining());
      if (messages.length === 0) break;
      const pending: Pending[] = [];
      let fresh = 0;
      for (const message of messages) {
        const { MessageId: id, ReceiptHandle: handle } = message;
        if (id === undefined || handle === undefined) continue;
        held.hold(id, handle);
        if (seen.has(id)) continue;
        seen.add(id);
        fresh += 1;
        const info: DeadLetterInfo = readDeadLetterInfo(message);
        if (!matchesFilter(info, plan.filter)) tally.skip(info);
        else if (pending.length >= remaining()) continue;
        else if (!plan.dryRun) pending.push({ message, info, receiptHandle: handle });
        else {
          const line = tally.record(info, 'would-move');
          runtime.onMessage?.(line);
        }
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
    for (const problem of await held.release(sqs, plan.dlqUrl)) {
      tally.warn(
        `not made visible again (it will be when its visibility timeout ends): ${problem}`,
      );
    }
  }
  const report = tally.finish(stopped, error, clock.now());
  runtime.onProgress?.(tally.progress(total, clock.now()));
  return report;
}

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
