import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ABORT_BEFORE_TIMEOUT_MS, createSqsClient, invocationDeadline } from '../lib/aws/index.ts';
import { loadReconcileConfig } from '../lib/config/index.ts';
import { createLogger } from '../lib/log.ts';
import { createMetrics } from '../lib/metrics.ts';
import {
  type BoundedReconcileAnswer,
  boundedAnswer,
  countsOnly,
  createReconcileDependencies,
  planLogLines,
  type ReconcileRequest,
  recordReconcileMetrics,
  resolveReconcileRun,
  runReconcile,
} from '../lib/reconcile/index.ts';
import { mapStackTraces } from '../lib/stack-traces.ts';

mapStackTraces();
const config = loadReconcileConfig();
const logger = createLogger();
const metrics = createMetrics();
const deps = createReconcileDependencies(config, createSqsClient());

/**
 * The unwrapped handler: the payload holds the run's options (`{"dryRun": true}`, `{"targets":
 * ["<project_id>:cn-north-4"]}`; a scheduled event runs with the configured ones), and the
 * answer is the run's counts with a bounded sample of the plan; the full plan is logged.
 */
export const reconcile = async (
  event: ReconcileRequest | null | undefined,
  context: Context,
): Promise<BoundedReconcileAnswer> => {
  const run = resolveReconcileRun(event, config);
  const summary = await runReconcile(deps, run, {
    deadline: invocationDeadline(context),
    onPage: ({ target, page, connections }) =>
      logger.debug('Listed a page of VPN connections', { ...target, page, connections }),
    onRetry: ({ attempt, delayMs, decision }) =>
      logger.info('Retrying', { attempt, delayMs, reason: decision.reason }),
    onTarget: ({ plan: _plan, ...counts }) => {
      if (counts.error) logger.warn('Target not reconciled completely', { ...counts });
      else logger.info('Target reconciled', { ...counts });
    },
  });
  recordReconcileMetrics(metrics, summary);
  for (const line of planLogLines(summary)) logger.info('Reconcile plan', { ...line });
  logger.info('Reconcile finished', { ...countsOnly(summary) });
  return boundedAnswer(summary);
};

/** The Lambda entry point of `reconcile` in serverless.yml: scheduled, or invoked by an operator. */
export const handler = middy<ReconcileRequest | null | undefined, BoundedReconcileAnswer>({
  timeoutEarlyInMillis: ABORT_BEFORE_TIMEOUT_MS,
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(reconcile);
