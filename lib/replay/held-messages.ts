import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SqsClient } from '../aws/index.ts';
import { chunk, MAX_BATCH_ENTRIES } from '../queue/index.ts';

/**
 * Messages received and kept invisible on purpose: skipped by the filters, listed by a dry run,
 * or not sent. They are made visible again together when the replay ends, not one by one as
 * they are seen, so that the scan does not receive them again and again; a replay that dies
 * before that leaves them to come back by themselves when their visibility timeout ends.
 */
export class HeldMessages {
  private readonly handles = new Map<string, string>();

  /** Holds a message, or takes its newer receipt handle when it was received again. */
  public hold(messageId: string, receiptHandle: string): void {
    this.handles.set(messageId, receiptHandle);
  }

  /** Stops holding a message: it was deleted, or must not come back at once. */
  public forget(messageId: string): void {
    this.handles.delete(messageId);
  }

  public get size(): number {
    return this.handles.size;
  }

  /**
   * Makes every held message visible again (`ChangeMessageVisibility` 0). Returns what went
   * wrong, one line per refused call or entry; those messages come back by themselves at the
   * end of their visibility timeout instead, so nothing is lost.
   */
  public async release(sqs: SqsClient, queueUrl: string): Promise<string[]> {
    const problems: string[] = [];
    const entries = [...this.handles].map(([messageId, receiptHandle], index) => ({
      id: `h${index}`,
      messageId,
      receiptHandle,
    }));
    for (const part of chunk(entries, MAX_BATCH_ENTRIES)) {
      try {
        const output = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: part.map((entry) => ({
              Id: entry.id,
              ReceiptHandle: entry.receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
        for (const failed of output.Failed ?? []) {
          problems.push(`${failed.Id}: ${failed.Code ?? 'Failed'} ${failed.Message ?? ''}`.trim());
        }
      } catch (error: unknown) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        problems.push(`${part.length} messages: ${reason}`);
      }
      for (const entry of part) this.handles.delete(entry.messageId);
    }
    return problems;
  }
}
