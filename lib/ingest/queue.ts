import { type SqsClient, toBatches } from '../aws/index.ts';
import { MAX_BATCH_ENTRIES, sendBatch } from '../queue/index.ts';

/** Tries per message within one request: the first send and two retries of what failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 50;

/** A message SQS did not accept, with what SQS said. */
interface QueueFailure {
  /** Index of the message in the list given to {@link queueMessages}. */
  index: number;
  /** SQS's code and message for the entry, or the error of the whole call. */
  reason: string;
  /**
   * True when SQS refused the entry for what it holds (the sender's fault): sending it again
   * cannot succeed, so it was not retried.
   */
  senderFault: boolean;
}

/**
 * The entry codes with which SQS refuses a `SendMessageBatch` entry for its content (the
 * entry's `SenderFault: true`; SQS API reference, `SendMessageBatch` and
 * `BatchResultErrorEntry`). Any other code, or a failed call, is taken as transient.
 */
const SENDER_FAULT_CODES = new Set([
  'InvalidMessageContents',
  'InvalidParameterValue',
  'MissingParameter',
  'MessageTooLong',
  'InvalidAttributeName',
  'InvalidAttributeValue',
]);

const isSenderFault = (reason: string): boolean =>
  SENDER_FAULT_CODES.has(reason.split(':')[0] ?? '');

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
 * accept for a transient reason (an entry it failed on its side, or a whole call that failed)
 * is sent again, and only that, up to three tries in all; an entry refused as the sender's
 * fault is not sent again. Never throws: what was not accepted comes back in `failed`.
 */
export const queueMessages = async (
  sqs: SqsClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<QueueResult> => {
  let pending: Pending[] = bodies.map((body, index) => ({
    index,
    body,
    bytes: Buffer.byteLength(body, 'utf8'),
  }));
  const refused: QueueFailure[] = [];
  let failed: QueueFailure[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(RETRY_DELAY_MS * 2 ** (attempt - 2));
    const results = await Promise.all(
      toBatches(pending, MAX_BATCH_ENTRIES).map((batch) => send(sqs, queueUrl, batch)),
    );
    failed = results.flat().filter((f) => !f.senderFault);
    refused.push(...results.flat().filter((f) => f.senderFault));
    const retry = new Set(failed.map((f) => f.index));
    pending = pending.filter((item) => retry.has(item.index));
  }
  const all = [...refused, ...failed].sort((a, b) => a.index - b.index);
  return { accepted: bodies.length - all.length, failed: all };
};

const send = async (
  sqs: SqsClient,
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
      reason === undefined
        ? []
        : [{ index: Number(id), reason, senderFault: isSenderFault(reason) }],
    );
  } catch (error: unknown) {
    // The whole call failed (network, throttling, a batch SQS found too long): none of its
    // entries may be taken as sent, so every one is sent again.
    const reason = error instanceof Error ? error.name : 'UnknownError';
    return batch.map((item) => ({ index: item.index, reason, senderFault: false }));
  }
};
