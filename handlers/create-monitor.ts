import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ABORT_BEFORE_TIMEOUT_MS, invocationBudget } from '../lib/aws/index.ts';
import { loadConfig } from '../lib/config/index.ts';
import { createLogger } from '../lib/log.ts';
import { createMetrics } from '../lib/metrics.ts';
import {
  createDependencies,
  createProvisioner,
  type QueueMessage,
} from '../lib/provision/index.ts';
import { queueUrlFromArn, readOrigin } from '../lib/queue/index.ts';
import { mapStackTraces } from '../lib/stack-traces.ts';

mapStackTraces();
const config = loadConfig();
const logger = createLogger();
const metrics = createMetrics();
const dependencies = { ...createDependencies(config, logger), metrics };
const provision = createProvisioner(dependencies);

/** Lambda's SQS record, as the provisioner reads it. */
export const toQueueMessage = (record: SQSRecord): QueueMessage => {
  const messageAttributes = Object.fromEntries(
    Object.entries(record.messageAttributes).map(([name, value]) => [
      name,
      {
        DataType: value.dataType,
        ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
        ...(value.binaryValue !== undefined
          ? { BinaryValue: Buffer.from(value.binaryValue, 'base64') }
          : {}),
      },
    ]),
  );
  return {
    messageId: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    sentAt: Number(record.attributes.SentTimestamp) || undefined,
    messageAttributes,
    messageGroupId: record.attributes.MessageGroupId,
    receiptHandle: record.receiptHandle,
    queueUrl: config.sourceQueueUrl ?? queueUrlFromArn(record.eventSourceARN),
    traceHeader: record.attributes.AWSTraceHeader,
    origin: readOrigin(messageAttributes),
  };
};

/** The unwrapped handler: one SQS batch in, the failed message ids out. */
export const createMonitor = async (
  event: SQSEvent,
  context: Context,
  options: { signal?: AbortSignal } = {},
): Promise<SQSBatchResponse> => {
  const outcomes = await provision(event.Records.map(toQueueMessage), {
    requestId: context.awsRequestId,
    ...invocationBudget(context, options.signal),
  });
  return {
    batchItemFailures: outcomes
      .filter((outcome) => outcome.status === 'retry-later')
      .map((outcome) => ({ itemIdentifier: outcome.messageId })),
  };
};

/** The Lambda entry point of `createMonitor` in serverless.yml. */
export const handler = middy<SQSEvent, SQSBatchResponse>({
  timeoutEarlyInMillis: ABORT_BEFORE_TIMEOUT_MS,
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use({
    name: 'idempotency-lambda-context',
    before: (request) => dependencies.idempotency.config.registerLambdaContext(request.context),
  })
  .handler(createMonitor);
