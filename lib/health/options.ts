import { type HealthConfig, reconcileTargetListSchema, uniqueTargets } from '../config/index.ts';
import { ProvisionerError } from '../errors.ts';
import * as z from '../zod.ts';
import type { HealthRun } from './run-health.ts';

/** Options a health run was asked for that cannot be run: say which and why. */
class HealthOptionsError extends ProvisionerError {
  public override name = 'HealthOptionsError';
}

/**
 * What an operator asks of a run (the `health` payload, the command's flags): `{"dryRun":
 * true}`, `{"targets": ["<project_id>:cn-north-4"]}`, `{"account": "logistics"}`. Unknown
 * fields are refused, so a typo never turns a dry run into a real one.
 */
const healthRequestSchema = z.strictObject({
  dryRun: z.optional(z.boolean()),
  targets: z.optional(reconcileTargetListSchema),
  account: z.optional(z.string().check(z.minLength(1))),
});

/** A run's options as written by an operator. */
export type HealthRequest = z.input<typeof healthRequestSchema>;

const isScheduledEvent = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/**
 * Validates a request and fills it in from the configuration, as reconcile does: no target
 * named and an accounts document means every project of every account.
 */
export const resolveHealthRun = (input: unknown, config: HealthConfig): HealthRun => {
  const request = input === null || input === undefined || isScheduledEvent(input) ? {} : input;
  const parsed = healthRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new HealthOptionsError(`Invalid health options: ${z.formatIssues(parsed.error.issues)}`);
  }
  const options = parsed.data;
  const targets = uniqueTargets(options.targets ?? config.targets);
  const singleKey = config.accountsDocument?.kind === 'single-key';
  if (targets.length === 0 && singleKey) {
    throw new HealthOptionsError(
      'Nothing to check: name a target (--target project_id:region, or "targets" in the payload), or set RECONCILE_TARGETS, or HUAWEICLOUD_PROJECT_ID with HUAWEICLOUD_REGION',
    );
  }
  return {
    targets:
      options.targets === undefined && !singleKey && options.account === undefined ? [] : targets,
    account: options.account,
    dryRun: options.dryRun ?? false,
  };
};
