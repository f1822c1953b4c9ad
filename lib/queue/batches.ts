import {
  DeleteMessageBatchCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS's most entries in one batch call. */
export const MAX_BATCH_ENTRIES = 10;

/** Per entry id: `undefined` when it succeeded, else why not. */
export type BatchResult = Map<string, string | undefined>;

/** Splits `items` into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

const settle = (
  ids: readonly string[],
  successful: ReadonlyArray<{ Id?: string | undefined }> | undefined,
  failed:
    | ReadonlyArray<{
        Id?: string | undefined;
        Code?: string | undefined;
        Message?: string | undefined;
      }>
    | undefined,
): BatchResult => {
  const ok = new Set((successful ?? []).map((entry) => entry.Id));
  const refused = new Map((failed ?? []).map((entry) => [entry.Id, entry]));
  return new Map(
    ids.map((id) => {
      if (refused.has(id)) {
        const entry = refused.get(id);
        return [id, `${entry?.Code ?? 'Failed'}: ${entry?.Message ?? 'no message'}`];
      }
      // Neither listed as successful nor as failed: not confirmed, so not a success.
      return [id, ok.has(id) ? undefined : 'not confirmed by SQS'];
    }),
  );
};

/**
 * Sends up to 10 messages with one `SendMessageBatch`. Only entries SQS lists as `Successful`
 * count as sent; each other entry gets its reason. Throws when the whole call fails, in which
 * case none of them may be assumed sent (nor assumed not sent).
 */
export async function sendBatch(
  sqs: SQSClient,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
): Promise<BatchResult> {
  const output = await sqs.send(
    new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
  );
  return settle(
    entries.map((entry) => entry.Id ?? ''),
    output.Successful,
    output.Failed,
  );
}

/** Deletes up to 10 messages by receipt handle; the result is keyed by the given ids. */
export async function deleteBatch(
  sqs: SQSClient,
  queueUrl: string,
  handles: ReadonlyArray<{ id: string; receiptHandle: string }>,
): Promise<BatchResult> {
  const output = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: handles.map(({ id, receiptHandle }) => ({ Id: id, ReceiptHandle: receiptHandle })),
    }),
  );
  return settle(
    handles.map(({ id }) => id),
    output.Successful,
    output.Failed,
  );
}
