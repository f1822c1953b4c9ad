import * as z from '../zod.ts';
import {
  attemptFitsTimeout,
  huaweiSettings,
  huaweiVariables,
  requireCredentials,
} from './huawei.ts';
import {
  type Environment,
  optionalText,
  optionalUrl,
  parseEnvironment,
  processEnvironment,
  trimmed,
} from './shared.ts';
import { reconcileTargetTextSchema, uniqueTargets } from './targets.ts';

/** The environment of a reconcile run: the `reconcile` Lambda, and the command's defaults. */
const reconcileEnvironmentSchema = z
  .object({
    ...huaweiVariables,
    SOURCE_QUEUE_URL: optionalUrl('must be the URL of the queue reconciled connections go to'),
    /** The idempotency table, where the fleet's credential breakers live; unset: none. */
    IDEMPOTENCY_TABLE_NAME: optionalText,
    RECONCILE_TARGETS: z.pipe(optionalText, z.optional(reconcileTargetTextSchema)),
    RECONCILE_ENQUEUE_RATE: z.optional(z.coerce.number().check(z.positive())),
    RECONCILE_DELETE_ORPHANS: z._default(
      z.pipe(
        trimmed().check(z.regex(/^(true|false)$/, 'must be true or false')),
        z.transform((value: string) => value === 'true'),
      ),
      false,
    ),
  })
  .check(requireCredentials, attemptFitsTimeout);

/** A reconcile run's configuration: the environment above, named for the code that reads it. */
const reconcileSchema = z.pipe(
  reconcileEnvironmentSchema,
  z.transform((e: z.output<typeof reconcileEnvironmentSchema>) => {
    const fallback =
      e.HUAWEICLOUD_PROJECT_ID !== undefined && e.HUAWEICLOUD_REGION !== undefined
        ? [{ projectId: e.HUAWEICLOUD_PROJECT_ID, region: e.HUAWEICLOUD_REGION }]
        : [];
    return {
      ...huaweiSettings(e),
      /**
       * Projects and regions to reconcile: `RECONCILE_TARGETS`, else the default project in the
       * default region, else none (a run must then name its targets).
       */
      targets: uniqueTargets(e.RECONCILE_TARGETS ?? fallback),
      /** Delete monitors whose connection is gone; off unless `RECONCILE_DELETE_ORPHANS=true`. */
      deleteOrphans: e.RECONCILE_DELETE_ORPHANS,
      /** Where connections without a monitor are queued (`SOURCE_QUEUE_URL`). */
      sourceQueueUrl: e.SOURCE_QUEUE_URL,
      /**
       * The table of the fleet's credential breakers (`IDEMPOTENCY_TABLE_NAME`, createMonitor's):
       * a run then obeys and feeds the same breaker; unset (a command without AWS), it guards
       * only itself.
       */
      breakerTableName: e.IDEMPOTENCY_TABLE_NAME,
      /**
       * Messages a second a run's queued connections become visible at (`RECONCILE_ENQUEUE_RATE`):
       * spread with `DelaySeconds`, up to SQS's 15 minutes; unset, all at once.
       */
      enqueueRate: e.RECONCILE_ENQUEUE_RATE,
    };
  }),
);

/** What a reconcile run reads from its environment. */
export type ReconcileConfig = z.output<typeof reconcileSchema>;

/**
 * Parses a reconcile run's environment, with `overrides` (the command's flags) on top. Throws
 * a `ConfigurationError` naming every offending variable; having no target is not an error
 * here (the command takes `--target`).
 */
export const loadReconcileConfig = (
  env: Environment = processEnvironment(),
  overrides: Record<string, string> = {},
): ReconcileConfig => parseEnvironment(reconcileSchema, { ...env, ...overrides });
