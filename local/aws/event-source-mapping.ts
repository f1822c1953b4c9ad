import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { readBatchResponse } from './batch-response.ts';
import {
  createLambdaContext,
  type FunctionDescription,
  newLogStreamName,
} from './lambda-context.ts';
import { FunctionTimeoutError, invokeWithTimeout, type SqsBatchHandler } from './lambda-invoke.ts';
import { sleep } from './loopback.ts';
import { deleteMessages, isQueueDrained, type PollSettings, receiveBatch } from './sqs-poller.ts';
import { toSqsRecord } from './sqs-record.ts';

export type { SqsBatchHandler } from './lambda-invoke.ts';

/** Options of {@link runEventSourceMapping}. */
export interface EventSourceMappingOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Becomes each record's `eventSourceARN`; its region and account fill the rest. */
  queueArn: string;
  handler: SqsBatchHandler;
  /** Records per invocation; default 10. */
  batchSize?: number;
  /** Time to keep gathering records for a batch; default 0, Lambda's default. */
  maxBatchingWindowMs?: number;
  /** Batches in flight at once; default 2. */
  concurrency?: number;
  /**
   * Long-poll wait in whole seconds, 0-20. Lambda uses 20; the default is 1 so `stop()` answers
   * within a second, or 0 with `untilEmpty`, so the end is noticed at once. With 0 the mapping
   * short-polls and pauses briefly after each empty answer.
   */
  pollWaitSeconds?: number;
  /** Default `local-function`. */
  functionName?: string;
  /** The invocation fails like a Lambda timeout past this; default 30 000. */
  functionTimeoutMs?: number;
  /** Default 1024. */
  memoryLimitInMB?: number;
  /** Stop by itself once the queue has nothing visible, in flight or delayed. */
  untilEmpty?: boolean;
  /** Called after every batch, for progress displays. */
  onBatch?: (report: BatchReport) => void;
}

/** Running totals of a mapping. */
interface EventSourceMappingStats {
  /** Batches received. */
  batches: number;
  invocations: number;
  recordsDelivered: number;
  deleted: number;
  /** Records left on the queue: reported in batchItemFailures, or in a failed batch. */
  failed: number;
  /** Invocations that threw, timed out or answered something Lambda cannot read. */
  handlerErrors: number;
  /** Invocations that ran past `functionTimeoutMs` (also counted in `handlerErrors`). */
  timeouts: number;
  deleteFailures: number;
  pollErrors: number;
}

/** What happened to one batch. */
export interface BatchReport {
  records: number;
  deleted: number;
  failed: number;
  /** Why the whole batch failed, when it did. */
  error?: unknown;
  stats: EventSourceMappingStats;
}

/** A running mapping. */
export interface EventSourceMapping {
  stats(): EventSourceMappingStats;
  /** Stops polling; resolves once the batches in flight are finished. */
  stop(): Promise<EventSourceMappingStats>;
  /** Settles when the mapping ends: stopped, drained (`untilEmpty`) or broken. */
  finished: Promise<EventSourceMappingStats>;
}

const MAX_CONSECUTIVE_POLL_ERRORS = 5;
const POLL_ERROR_PAUSE_MS = 50;
/** Pause after an empty short poll, so an idle mapping does not spin. */
const EMPTY_POLL_PAUSE_MS = 25;

const requireInteger = (name: string, value: number, min: number, max: number): number => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
};

/**
 * Runs `handler` the way Lambda's SQS event source mapping does: long polls, builds real
 * `SQSEvent`s, invokes with a fake `Context`, deletes every record not listed in
 * `batchItemFailures` and deletes nothing when the invocation fails. Records left behind come
 * back after the visibility timeout and SQS moves them to the DLQ after `maxReceiveCount`.
 */
export const runEventSourceMapping = (options: EventSourceMappingOptions): EventSourceMapping => {
  const { sqs, queueUrl, queueArn, handler, onBatch } = options;
  const [arn, , service, region, accountId] = queueArn.split(':');
  if (arn !== 'arn' || service !== 'sqs' || !region || !accountId) {
    throw new RangeError(`queueArn must be arn:aws:sqs:<region>:<account>:<name>, got ${queueArn}`);
  }
  const fn: FunctionDescription = {
    functionName: options.functionName ?? 'local-function',
    region,
    accountId,
    timeoutMs: options.functionTimeoutMs ?? 30_000,
    memoryLimitInMB: options.memoryLimitInMB ?? 1024,
  };
  const poll: PollSettings = {
    sqs,
    queueUrl,
    batchSize: requireInteger('batchSize', options.batchSize ?? 10, 1, 10_000),
    maxBatchingWindowMs: options.maxBatchingWindowMs ?? 0,
    pollWaitSeconds: requireInteger(
      'pollWaitSeconds',
      options.pollWaitSeconds ?? (options.untilEmpty ? 0 : 1),
      0,
      20,
    ),
  };
  const concurrency = requireInteger('concurrency', options.concurrency ?? 2, 1, 1_000);
  const stats: EventSourceMappingStats = {
    batches: 0,
    invocations: 0,
    recordsDelivered: 0,
    deleted: 0,
    failed: 0,
    handlerErrors: 0,
    timeouts: 0,
    deleteFailures: 0,
    pollErrors: 0,
  };
  let stopping = false;
  let consecutivePollErrors = 0;
  let drainCheck: Promise<boolean> | undefined;

  const processBatch = async (messages: Message[], logStreamName: string): Promise<void> => {
    stats.batches += 1;
    const records = messages.map((message) => toSqsRecord(message, { queueArn, region }));
    stats.recordsDelivered += records.length;
    stats.invocations += 1;
    const context = createLambdaContext(fn, logStreamName);
    let failedIds: ReadonlySet<string> = new Set();
    let error: unknown;
    try {
      const response = await invokeWithTimeout(
        handler,
        { Records: records },
        context,
        fn.timeoutMs,
      );
      const verdict = readBatchResponse(response, new Set(records.map((r) => r.messageId)));
      if (verdict.ok) {
        failedIds = verdict.failedIds;
      } else {
        error = new Error(`Lambda cannot read the batch response: ${verdict.reason}`);
      }
    } catch (thrown) {
      error = thrown;
      if (thrown instanceof FunctionTimeoutError) stats.timeouts += 1;
    }
    const succeeded =
      error === undefined ? records.filter((record) => !failedIds.has(record.messageId)) : [];
    if (error !== undefined) stats.handlerErrors += 1;
    const { deleted, failed: refused } = await deleteMessages(
      sqs,
      queueUrl,
      succeeded.map((record) => record.receiptHandle),
    );
    const failed = records.length - succeeded.length;
    stats.deleted += deleted;
    stats.deleteFailures += refused;
    stats.failed += failed;
    onBatch?.({
      records: records.length,
      deleted,
      failed,
      ...(error === undefined ? {} : { error }),
      stats: { ...stats },
    });
  };

  const drained = (): Promise<boolean> => {
    drainCheck ??= isQueueDrained(sqs, queueUrl).finally(() => {
      drainCheck = undefined;
    });
    return drainCheck;
  };

  /** Runs one call to SQS; on failure counts it, pauses and gives `undefined`, up to a limit. */
  const talkToSqs = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await call();
      consecutivePollErrors = 0;
      return result;
    } catch (error) {
      stats.pollErrors += 1;
      consecutivePollErrors += 1;
      if (consecutivePollErrors >= MAX_CONSECUTIVE_POLL_ERRORS) {
        throw new Error(
          `Polling ${queueUrl} failed ${consecutivePollErrors} times in a row: is the SQS emulator still running?`,
          { cause: error },
        );
      }
      await sleep(POLL_ERROR_PAUSE_MS * consecutivePollErrors);
      return undefined;
    }
  };

  /** One poller and its execution environment, processing one batch at a time. */
  const worker = async (): Promise<void> => {
    const logStreamName = newLogStreamName();
    while (!stopping) {
      const messages = await talkToSqs(() => receiveBatch(poll, () => stopping));
      if (messages === undefined) continue;
      if (messages.length > 0) {
        await processBatch(messages, logStreamName);
        continue;
      }
      if (options.untilEmpty && !stopping && (await talkToSqs(drained))) {
        stopping = true;
      } else if (poll.pollWaitSeconds === 0) {
        await sleep(EMPTY_POLL_PAUSE_MS);
      }
    }
  };

  const workers = Array.from({ length: concurrency }, () => worker());
  const finished = Promise.all(workers).then(
    () => ({ ...stats }),
    (error: unknown) => {
      stopping = true;
      throw error;
    },
  );
  // The caller may only ever await stop(); the rejection still reaches whoever awaits finished.
  finished.catch(() => undefined);

  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      stopping = true;
      await Promise.allSettled(workers);
      return { ...stats };
    },
    finished,
  };
};
