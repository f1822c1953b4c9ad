/**
 * Benchmark child, one per cold start: imports the bundled handler in this fresh process and
 * handles one record, then reports both times to the parent and exits. It imports nothing
 * before the handler, so the handler's import pays for every module it needs.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** What one cold start measured. */
export interface ColdStart {
  initMs: number;
  firstInvokeMs: number;
  failures: number;
}

const [moduleUrl = '', exportName = 'handler', eventJson = '{}'] = process.argv.slice(2);

const started = performance.now();
const loaded = (await import(moduleUrl)) as Record<string, unknown>;
const initMs = performance.now() - started;

const handler = loaded[exportName] as Handler;
const event = JSON.parse(eventJson) as SQSEvent;
const deadline = Date.now() + 30_000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'createMonitor',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:createMonitor',
  memoryLimitInMB: '256',
  awsRequestId: '00000000-0000-4000-8000-000000000001',
  logGroupName: '/aws/lambda/createMonitor',
  logStreamName: '2026/01/01/[$LATEST]00000000000000000000000000000000',
  getRemainingTimeInMillis: () => deadline - Date.now(),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

const invoked = performance.now();
const response = await handler(event, context);
const result: ColdStart = {
  initMs,
  firstInvokeMs: performance.now() - invoked,
  failures: response.batchItemFailures.length,
};
process.send?.(result, () => process.exit(0));
