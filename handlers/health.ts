import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ABORT_BEFORE_TIMEOUT_MS, invocationDeadline } from '../lib/aws/index.ts';
import { loadHealthConfig } from '../lib/config/index.ts';
import {
  createHealthDependencies,
  type HealthRequest,
  type HealthSummary,
  recordHealthMetrics,
  resolveHealthRun,
  runHealth,
} from '../lib/health/index.ts';
import { createLogger } from '../lib/log.ts';
import { createMetrics } from '../lib/metrics.ts';
import { mapStackTraces } from '../lib/stack-traces.ts';

mapStackTraces();
const config = loadHealthConfig();
const logger = createLogger();
const metrics = createMetrics();
const deps = createHealthDependencies(config);

/** What the function answers: the run's totals, each target's counts; per-connection detail is logged. */
type HealthAnswer = Omit<HealthSummary, 'targets'> & {
  targets: Omit<HealthSummary['targets'][number], 'connections'>[];
};

/**
 * The unwrapped handler: the payload holds the run's options (`{"dryRun": true}`,
 * `{"targets": ["<project_id>:cn-north-4"]}`; a scheduled event runs with the configured ones).
 */
export const health = async (
  event: HealthRequest | null | undefined,
  context: Context,
): Promise<HealthAnswer> => {
  const run = resolveHealthRun(event, config);
  const summary = await runHealth(deps, run, {
    deadline: invocationDeadline(context),
    onRetry: ({ attempt, delayMs, decision }) =>
      logger.info('Retrying', { attempt, delayMs, reason: decision.reason }),
    onTarget: ({ connections, ...counts }) => {
      if (counts.error) logger.warn('Target not checked completely', { ...counts });
      else if (counts.publishError)
        logger.warn('Health events not published; they stay pending for the next run', {
          ...counts,
        });
      else logger.info('Target checked', { ...counts });
      // Degraded and down ones only: no-data and pending may be many, and are in the counts.
      for (const c of connections.filter((c) => c.state === 'degraded' || c.state === 'down'))
        logger.info('Connection not healthy', { ...c, projectId: counts.projectId });
    },
  });
  recordHealthMetrics(metrics, summary, config.health.connectionMetrics);
  const { targets, ...totals } = summary;
  logger.info('Health run finished', { ...totals });
  return { ...totals, targets: targets.map(({ connections: _c, ...counts }) => counts) };
};

/** The Lambda entry point of `health` in serverless.yml: scheduled, or invoked by an operator. */
export const handler = middy<HealthRequest | null | undefined, HealthAnswer>({
  timeoutEarlyInMillis: ABORT_BEFORE_TIMEOUT_MS,
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(health);
