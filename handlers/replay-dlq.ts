import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ABORT_BEFORE_TIMEOUT_MS, createSqsClient, invocationDeadline } from '../lib/aws/index.ts';
import { loadReplayConfig } from '../lib/config/index.ts';
import { createLogger } from '../lib/log.ts';
import {
  lineProgress,
  parseReplayOptions,
  type ReplayReport,
  type ReplayRequest,
  replayDeadLetters,
} from '../lib/replay/index.ts';
import { mapStackTraces } from '../lib/stack-traces.ts';

mapStackTraces();
const config = loadReplayConfig();
const logger = createLogger();
const sqs = createSqsClient();

/**
 * The unwrapped handler: the payload holds the replay options (`{"max": 100}`, `{"dryRun":
 * true}`, `{"reason": "APIGW.0301"}`, ...), the queues default to `DLQ_URL` and
 * `SOURCE_QUEUE_URL`, and the answer is the replay report.
 */
export const replayDlq = async (
  event: ReplayRequest | null | undefined,
  context: Context,
): Promise<ReplayReport> => {
  const options = parseReplayOptions(event ?? {});
  const progress = lineProgress((line) => logger.info(line), 10_000);
  const report = await replayDeadLetters(
    sqs,
    options,
    {
      deadline: invocationDeadline(context),
      onStart: (start) => logger.info('replay starting', { ...start }),
      onProgress: (snapshot) => progress.update(snapshot),
    },
    config,
  );
  const { messages, ...summary } = report;
  logger.info('replay finished', { ...summary, listed: messages.length });
  return report;
};

/** The Lambda entry point of `replayDlq` in serverless.yml; an operator invokes it. */
export const handler = middy<ReplayRequest | null | undefined, ReplayReport>({
  timeoutEarlyInMillis: ABORT_BEFORE_TIMEOUT_MS,
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(replayDlq);
