import { type SqsClient, toBatches } from '../aws/index.ts';
import { MAX_BATCH_ENTRIES, sendBatch } from '../queue/index.ts';

/** Tries per message within one request: the first send and two retries of what failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 50;

/**
 * A message SQS did not accept: its index in the list given to {@link queueMessages}, and SQS's
 * code and message for the entry, or the error of the whole call.
 */
interface QueueFailure {
  index: number;
  reason: string;
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

/**
 * What became of the messages: how many SQS accepted, those it refused for what they hold (the
 * sender's fault: sending them again cannot succeed, so they were not), and those that still
 * failed for a transient reason after the last try, in the order given.
 */
interface QueueResult {
  accepted: number;
  refused: QueueFailure[];
  failed: QueueFailure[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Puts `bodies` on the queue, each as one message with the body unchanged, in
 * `SendMessageBatch` calls of at most 10 entries and 256 KiB (`lib/aws/`). What SQS did not
 * accept for a transient reason (an entry it failed on its side, or a whole call that failed)
 * is sent again, and only that, up to three tries in all. Never throws.
 */
export const queueMessages = async (
  sqs: SqsClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<QueueResult> => {
  let pending = bodies.map((body, index) => ({ index, body, bytes: Buffer.byteLength(body) }));
  const refused: QueueFailure[] = [];
  let failed: QueueFailure[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(RETRY_DELAY_MS * 2 ** (attempt - 2));
    const batches = toBatches(pending, MAX_BATCH_ENTRIES).map((batch) =>
      send(sqs, queueUrl, batch),
    );
    const results = (await Promise.all(batches)).flat();
    refused.push(...results.filter((f) => f.senderFault));
    failed = results.filter((f) => !f.senderFault).sort((a, b) => a.index - b.index);
    const retry = new Set(failed.map((f) => f.index));
    pending = pending.filter((item) => retry.has(item.index));
  }
  return { accepted: bodies.length - refused.length - failed.length, refused, failed };
};

const send = async (
  sqs: SqsClient,
  queueUrl: string,
  batch: readonly { index: number; body: string }[],
): Promise<QueueFailure[]> => {
  try {
    const entries = batch.map((item) => ({ Id: String(item.index), MessageBody: item.body }));
    const result = await sendBatch(sqs, queueUrl, entries);
    return [...result].flatMap(([id, reason]) =>
      reason === undefined
        ? []
        : [
            {
              index: Number(id),
              reason,
              senderFault: SENDER_FAULT_CODES.has(reason.split(':')[0] ?? ''),
            },
          ],
    );
  } catch (error: unknown) {
    // The whole call failed (network, throttling, a batch SQS found too long): none of its
    // entries may be taken as sent, so every one is sent again.
    const reason = error instanceof Error ? error.name : 'UnknownError';
    return batch.map((item) => ({ index: item.index, reason, senderFault: false }));
  }
};
