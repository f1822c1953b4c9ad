import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The function a fake {@link Context} describes. */
export interface FunctionDescription {
  functionName: string;
  region: string;
  accountId: string;
  /** Function timeout; `getRemainingTimeInMillis()` counts down from it. */
  timeoutMs: number;
  memoryLimitInMB: number;
}

/** A log stream name in Lambda's format: `YYYY/MM/DD/[$LATEST]<32 hex>`, one per environment. */
export const newLogStreamName = (now: Date = new Date()): string => {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
};

const callbackStyleRemoved = (): never => {
  throw new Error('Callback-style completion is not available: return a promise from the handler');
};

/**
 * A Lambda `Context` for one invocation, as the Node.js runtime fills it: a fresh
 * `awsRequestId`, and a clock that starts counting down now.
 */
export const createLambdaContext = (fn: FunctionDescription, logStreamName: string): Context => {
  const deadline = Date.now() + fn.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: callbackStyleRemoved,
    fail: callbackStyleRemoved,
    succeed: callbackStyleRemoved,
  };
};
