import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** The handler shape Lambda invokes for an SQS event source with ReportBatchItemFailures. */
export type SqsBatchHandler = (
  event: SQSEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: as aws-lambda's SQSHandler, so `async () => {}` fits
) => Promise<SQSBatchResponse | void>;

/** The handler ran past the function timeout; Lambda fails the whole batch. */
export class FunctionTimeoutError extends Error {
  public constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'FunctionTimeoutError';
  }
}

/**
 * Invokes `handler` once and resolves with its response, or rejects with what it threw or with
 * a {@link FunctionTimeoutError} after `timeoutMs`. A timed-out handler keeps running in the
 * background (Lambda would freeze it); its late outcome is ignored.
 */
export const invokeWithTimeout = async (
  handler: SqsBatchHandler,
  event: SQSEvent,
  context: Context,
  timeoutMs: number,
): Promise<unknown> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    // race() subscribes to the handler's promise, so a late rejection is never unhandled.
    return await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
