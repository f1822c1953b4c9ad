import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadReplayConfig } from '../lib/config.ts';
import { createLogger } from '../lib/log.ts';
import { parseReplayOptions, type ReplayRequest } from '../lib/replay/options.ts';
import { lineProgress } from '../lib/replay/progress.ts';
import { replayDeadLetters } from '../lib/replay/replay.ts';
import type { ReplayReport } from '../lib/replay/report.ts';

/**
 * Start nothing new this long before the timeout (a tenth of it, 1 to 10 s): the batch in
 * flight finishes and the held messages are made visible again before the report is returned.
 */
const stopBeforeTimeoutMs = (remainingMs: number): number =>
  Math.min(10_000, Math.max(1_000, remainingMs / 10));

const config = loadReplayConfig();
const logger = createLogger();
const sqs = new SQSClient({});

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
  const remainingMs = context.getRemainingTimeInMillis();
  const progress = lineProgress((line) => logger.info(line), 10_000);
  const report = await replayDeadLetters(
    sqs,
    options,
    {
      deadline: Date.now() + remainingMs - stopBeforeTimeoutMs(remainingMs),
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
  timeoutEarlyInMillis: 250,
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(replayDlq);
