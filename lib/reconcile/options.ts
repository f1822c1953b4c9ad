import type { ReconcileConfig } from '../config/index.ts';
import { reconcileTargetListSchema, uniqueTargets } from '../config/index.ts';
import { ProvisionerError } from '../errors.ts';
import type { VpnTarget } from '../huawei/index.ts';
import * as z from '../zod.ts';

/**
 * The reconcile options are wrong (a bad flag, a payload field of the wrong type, no target, no
 * queue for a real run): fix the command or the invocation payload and run it again. Nothing
 * was listed, queued or deleted.
 */
export class ReconcileOptionsError extends ProvisionerError {
  public override name = 'ReconcileOptionsError';
}

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

/** What to reconcile and how: the request's fields with their defaults. */
export interface ReconcileRun {
  /** Projects to reconcile; when empty, every project of every account (or of `account`). */
  targets: readonly VpnTarget[];
  account?: string | undefined;
  /** The source queue; required unless `dryRun`. */
  queueUrl: string | undefined;
  dryRun: boolean;
  deleteOrphans: boolean;
  pageSize?: number | undefined;
  runId?: string | undefined;
}

/** EventBridge Scheduler's and scheduled rules' payload: a run with the configured defaults. */
const isScheduledEvent = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/**
 * Parses a run's request with `schema` (none, or a scheduled event, asks for the defaults) and
 * resolves its targets from the configuration: with an accounts document and no target or
 * account named, none (every project of every account). Throws `fail`'s error naming every
 * wrong field, or when there is nothing to run on.
 */
export const readRunRequest = <
  T extends { targets?: VpnTarget[] | undefined; account?: string | undefined },
>(
  schema: z.ZodMiniType<T>,
  input: unknown,
  config: ReconcileConfig,
  words: { name: string; nothing: string },
  fail: (message: string) => Error,
): { options: T; targets: VpnTarget[] } => {
  const request = input === null || input === undefined || isScheduledEvent(input) ? {} : input;
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    throw fail(`Invalid ${words.name} options: ${z.formatIssues(parsed.error.issues)}`);
  }
  const options = parsed.data;
  const targets = uniqueTargets(options.targets ?? config.targets);
  const singleKey = config.accountsDocument?.kind === 'single-key';
  if (targets.length === 0 && singleKey) {
    throw fail(
      `${words.nothing}: name a target (--target project_id:region, or "targets" in the payload), or set RECONCILE_TARGETS, or HUAWEICLOUD_PROJECT_ID with HUAWEICLOUD_REGION`,
    );
  }
  const everyProject = options.targets === undefined && !singleKey && options.account === undefined;
  return { options, targets: everyProject ? [] : targets };
};

/**
 * Validates a request and fills it in from the configuration. Throws a
 * {@link ReconcileOptionsError} naming every wrong field, when there is no target, or when a
 * run that queues messages has no queue.
 */
export const resolveReconcileRun = (input: unknown, config: ReconcileConfig): ReconcileRun => {
  const { options, targets } = readRunRequest(
    reconcileRequestSchema,
    input,
    config,
    { name: 'reconcile', nothing: 'Nothing to reconcile' },
    (message) => new ReconcileOptionsError(message),
  );
  const dryRun = options.dryRun ?? false;
  const queueUrl = options.queue ?? config.sourceQueueUrl;
  if (!dryRun && queueUrl === undefined) {
    throw new ReconcileOptionsError(
      'No source queue to send connections to: pass --queue (or "queue"), or set SOURCE_QUEUE_URL; a dry run needs none',
    );
  }
  return {
    targets,
    account: options.account,
    queueUrl,
    dryRun,
    deleteOrphans: options.deleteOrphans ?? config.deleteOrphans,
    pageSize: options.pageSize,
  };
};
