import { isJsonObject } from './json.ts';

/** What Lambda makes of a handler's answer to an SQS batch. */
export type BatchVerdict =
  | { ok: true; failedIds: ReadonlySet<string> }
  | { ok: false; reason: string };

/**
 * Reads a handler's response with Lambda's `ReportBatchItemFailures` rules. No response, an
 * empty or missing `batchItemFailures`: every record succeeded. Each listed `itemIdentifier`
 * failed. Anything Lambda cannot read (not an object, a list that is not a list, an empty or
 * unknown identifier) fails the whole batch, so nothing is deleted.
 */
export const readBatchResponse = (
  response: unknown,
  messageIds: ReadonlySet<string>,
): BatchVerdict => {
  if (response === undefined || response === null) return { ok: true, failedIds: new Set() };
  if (!isJsonObject(response)) {
    return { ok: false, reason: `the response is a ${typeof response}, not an object` };
  }
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true, failedIds: new Set() };
  if (!Array.isArray(failures)) return { ok: false, reason: 'batchItemFailures is not a list' };
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = isJsonObject(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || id.length === 0) {
      return { ok: false, reason: 'a batchItemFailures entry has no itemIdentifier' };
    }
    if (!messageIds.has(id)) {
      return { ok: false, reason: `itemIdentifier ${id} is not a message of this batch` };
    }
    failedIds.add(id);
  }
  return { ok: true, failedIds };
};
