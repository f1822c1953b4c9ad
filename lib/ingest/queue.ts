import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS's limits on one `SendMessageBatch`: entries, and bytes of all bodies together. */
export const SQS_BATCH_MAX_ENTRIES = 10;
/** 256 KiB, for a batch as for one message. */
export const SQS_BATCH_MAX_BYTES = 256 * 1024;

/** Tries per message within one request: the first send and two retries of what failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 50;

/** A message SQS did not accept, with what SQS said. */
export interface QueueFailure {
  /** Index of the message in the list given to {@link queueMessages}. */
  index: number;
  code: string;
  /** True when SQS blames the message itself, so sending it again cannot help. */
  senderFault: boolean;
}

/** What became of the messages: those accepted, and those not. */
export interface QueueResult {
  accepted: number;
  failed: QueueFailure[];
}

/**
 * Groups bodies into `SendMessageBatch` calls: at most 10 entries and 256 KiB of bodies each,
 * in order. A body alone over 256 KiB gets a batch of its own, for SQS to refuse it.
 */
export const batchesOf = (bodies: readonly { index: number; body: string }[]) => {
  const batches: { index: number; body: string }[][] = [];
  let batch: { index: number; body: string }[] = [];
  let bytes = 0;
  for (const item of bodies) {
    const size = Buffer.byteLength(item.body, 'utf8');
    if (
      batch.length === SQS_BATCH_MAX_ENTRIES ||
      (batch.length > 0 && bytes + size > SQS_BATCH_MAX_BYTES)
    ) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : 'UnknownError';

/**
 * Puts `bodies` on the queue, each as one message with the body unchanged. Entries SQS failed
 * for its own reasons (throttling, an internal error, a failed call) are sent again, up to
 * three tries in all; entries SQS refused as the sender's fault are not. Never throws: what
 * was not accepted comes back in `failed`.
 */
export const queueMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<QueueResult> => {
  let pending = bodies.map((body, index) => ({ index, body }));
  const refused: QueueFailure[] = [];
  let lastFailures: QueueFailure[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(RETRY_DELAY_MS * 2 ** (attempt - 2));
    const results = await Promise.all(
      batchesOf(pending).map((batch) => sendBatch(sqs, queueUrl, batch)),
    );
    const failures = results.flat();
    refused.push(...failures.filter((f) => f.senderFault));
    lastFailures = failures.filter((f) => !f.senderFault);
    const retry = new Set(lastFailures.map((f) => f.index));
    pending = pending.filter((item) => retry.has(item.index));
  }
  const failed = [...refused, ...lastFailures].sort((a, b) => a.index - b.index);
  return { accepted: bodies.length - failed.length, failed };
};

const sendBatch = async (
  sqs: SQSClient,
  queueUrl: string,
  batch: readonly { index: number; body: string }[],
): Promise<QueueFailure[]> => {
  const entries: SendMessageBatchRequestEntry[] = batch.map((item) => ({
    Id: String(item.index),
    MessageBody: item.body,
  }));
  try {
    const output = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    return (output.Failed ?? []).map((failure) => ({
      index: Number(failure.Id),
      code: failure.Code ?? 'Unknown',
      senderFault: failure.SenderFault === true,
    }));
  } catch (error: unknown) {
    // The whole call failed (network, throttling, a batch SQS found too long): every entry of
    // it is retried; the AWS SDK has already retried what it considers retryable.
    return batch.map((item) => ({ index: item.index, code: errorName(error), senderFault: false }));
  }
};
