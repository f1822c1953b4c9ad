import type { SQSClient } from '@aws-sdk/client-sqs';
import { MAX_BATCH_ENTRIES, sendBatch, toBatches } from '../aws/index.ts';

/** Tries per message within one request: the first send and two retries of what failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 50;

/** A message SQS did not accept, with what SQS said. */
interface QueueFailure {
  /** Index of the message in the list given to {@link queueMessages}. */
  index: number;
  /** SQS's code and message for the entry, or the error of the whole call. */
  reason: string;
}

/** What became of the messages: those accepted, and those not. */
export interface QueueResult {
  accepted: number;
  failed: QueueFailure[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pending message: its index, body and size, for `toBatches`. */
interface Pending {
  index: number;
  body: string;
  bytes: number;
}

/**
 * Puts `bodies` on the queue, each as one message with the body unchanged, in
 * `SendMessageBatch` calls of at most 10 entries and 256 KiB (`lib/aws/`). What SQS did not
 * accept (an entry it failed, or a whole call that failed) is sent again, and only that, up to
 * three tries in all. Never throws: what was not accepted comes back in `failed`.
 */
export const queueMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<QueueResult> => {
  let pending: Pending[] = bodies.map((body, index) => ({
    index,
    body,
    bytes: Buffer.byteLength(body, 'utf8'),
  }));
  let failed: QueueFailure[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(RETRY_DELAY_MS * 2 ** (attempt - 2));
    const results = await Promise.all(
      toBatches(pending, MAX_BATCH_ENTRIES).map((batch) => send(sqs, queueUrl, batch)),
    );
    failed = results.flat();
    const retry = new Set(failed.map((f) => f.index));
    pending = pending.filter((item) => retry.has(item.index));
  }
  return { accepted: bodies.length - failed.length, failed };
};

const send = async (
  sqs: SQSClient,
  queueUrl: string,
  batch: readonly Pending[],
): Promise<QueueFailure[]> => {
  try {
    const result = await sendBatch(
      sqs,
      queueUrl,
      batch.map((item) => ({ Id: String(item.index), MessageBody: item.body })),
    );
    return [...result].flatMap(([id, reason]) =>
      reason === undefined ? [] : [{ index: Number(id), reason }],
    );
  } catch (error: unknown) {
    // The whole call failed (network, throttling, a batch SQS found too long): none of its
    // entries may be taken as sent, so every one is sent again.
    const reason = error instanceof Error ? error.name : 'UnknownError';
    return batch.map((item) => ({ index: item.index, reason }));
  }
};
