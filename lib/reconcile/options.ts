import type { ReconcileConfig } from '../config/index.ts';
import { reconcileTargetListSchema, uniqueTargets } from '../config/index.ts';
import * as z from '../zod.ts';
import { ReconcileOptionsError } from './errors.ts';
import type { ReconcileRun } from './reconcile.ts';

/**
 * What an operator asks of a run, from the command line or the `reconcile` payload (for
 * example `{"dryRun": true}` or `{"targets": ["<project_id>:cn-north-4"]}`). Unknown fields
 * are refused, so a typo (`"dryrun"`) never turns a dry run into a real one.
 */
const reconcileRequestSchema = z.strictObject({
  /** List and plan only; queue nothing, delete nothing. */
  dryRun: z.optional(z.boolean()),
  /** Delete monitors whose connection is gone; default `RECONCILE_DELETE_ORPHANS`. */
  deleteOrphans: z.optional(z.boolean()),
  /** `project_id:region` targets, a list or one comma-separated string; default the config's. */
  targets: z.optional(reconcileTargetListSchema),
  /** Only the projects of this account of the accounts document. */
  account: z.optional(z.string().check(z.minLength(1))),
  /** The source queue; default `SOURCE_QUEUE_URL`. */
  queue: z.optional(z.url({ error: 'must be a queue URL' })),
  /** Connections per page, 1-2000 (Huawei's maximum is 200 in most regions). */
  pageSize: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(2000))),
});

/** A run's options as written by an operator, before validation and defaults. */
export type ReconcileRequest = z.input<typeof reconcileRequestSchema>;

/** EventBridge Scheduler's and scheduled rules' payload: a run with the configured defaults. */
const isScheduledEvent = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/**
 * Validates a request and fills it in from the configuration. Throws a
 * {@link ReconcileOptionsError} naming every wrong field, when there is no target, or when a
 * run that queues messages has no queue.
 */
export const resolveReconcileRun = (input: unknown, config: ReconcileConfig): ReconcileRun => {
  const request = input === null || input === undefined || isScheduledEvent(input) ? {} : input;
  const parsed = reconcileRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new ReconcileOptionsError(
      `Invalid reconcile options: ${z.formatIssues(parsed.error.issues)}`,
    );
  }
  const options = parsed.data;
  const targets = uniqueTargets(options.targets ?? config.targets);
  // With an accounts document, no target means every project of every account.
  if (targets.length === 0 && config.accountsDocument?.kind === 'single-key') {
    throw new ReconcileOptionsError(
      'Nothing to reconcile: name a target (--target project_id:region, or "targets" in the payload), or set RECONCILE_TARGETS, or HUAWEICLOUD_PROJECT_ID with HUAWEICLOUD_REGION',
    );
  }
  const dryRun = options.dryRun ?? false;
  const queueUrl = options.queue ?? config.sourceQueueUrl;
  if (!dryRun && queueUrl === undefined) {
    throw new ReconcileOptionsError(
      'No source queue to send connections to: pass --queue (or "queue"), or set SOURCE_QUEUE_URL; a dry run needs none',
    );
  }
  return {
    targets:
      options.targets === undefined &&
      config.accountsDocument?.kind !== 'single-key' &&
      options.account === undefined
        ? []
        : targets,
    account: options.account,
    queueUrl,
    dryRun,
    deleteOrphans: options.deleteOrphans ?? config.deleteOrphans,
    pageSize: options.pageSize,
  };
};
