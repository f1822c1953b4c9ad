import * as z from '../zod.ts';
import { loadReconcileConfig } from './reconcile.ts';
import {
  type Environment,
  endpointSchema,
  optionalText,
  parseEnvironment,
  processEnvironment,
  textWithDefault,
} from './shared.ts';

/** A number from `min` to `max`, `fallback` when unset. */
const between = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.gte(min), z.lte(max)), fallback);

/** `true` or `false`, `fallback` when unset. */
const flag = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false']), fallback ? 'true' : 'false'),
    z.transform((value: 'true' | 'false') => value === 'true'),
  );

/**
 * The health function's own variables (the Huawei ones are the reconcile function's: accounts,
 * credentials, targets, retries). Defaults in the comments of `serverless.yml`'s params.
 */
const healthEnvironmentSchema = z
  .object({
    HEALTH_DEGRADED_LOSS_PERCENT: between(5, 0, 100),
    HEALTH_DOWN_LOSS_PERCENT: between(50, 0, 100),
    HEALTH_DEGRADED_LATENCY_MS: between(300, 1, 5000),
    // 3000 points a call: a longer window than 60 minutes would shrink batches to nothing useful.
    HEALTH_WINDOW_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(60)), 5),
    HEALTH_METRIC_SOURCE: z._default(z.enum(['link', 'tunnel']), 'link'),
    HEALTH_CONNECTION_METRICS: flag(false),
    // Cloud Eye's endpoint follows the VPN endpoint's rules: https, or http on this machine.
    HUAWEICLOUD_CES_ENDPOINT: z.pipe(optionalText, z.optional(endpointSchema)),
    EVENT_BUS_NAME: textWithDefault('default'),
    EVENT_SOURCE: textWithDefault('vpn-monitor-provisioner'),
  })
  .check(
    z.refine((e) => e.HEALTH_DEGRADED_LOSS_PERCENT <= e.HEALTH_DOWN_LOSS_PERCENT, {
      path: ['HEALTH_DOWN_LOSS_PERCENT'],
      message: 'must be at least HEALTH_DEGRADED_LOSS_PERCENT',
    }),
  );

/** The health settings: the environment above, named for the code that reads it. */
const healthSchema = z.pipe(
  healthEnvironmentSchema,
  z.transform((e: z.output<typeof healthEnvironmentSchema>) => ({
    thresholds: {
      degradedLossPercent: e.HEALTH_DEGRADED_LOSS_PERCENT,
      downLossPercent: e.HEALTH_DOWN_LOSS_PERCENT,
      degradedLatencyMs: e.HEALTH_DEGRADED_LATENCY_MS,
      windowMinutes: e.HEALTH_WINDOW_MINUTES,
    },
    /** Which figures decide: the physical link's (`link_*`) or the tunnel's (`tunnel_*`). */
    metricSource: e.HEALTH_METRIC_SOURCE,
    /** Per-connection latency and loss as CloudWatch metrics (custom metrics: they cost). */
    connectionMetrics: e.HEALTH_CONNECTION_METRICS,
    /** `HUAWEICLOUD_CES_ENDPOINT`: every region's Cloud Eye (the simulator, a proxy). */
    cloudEyeEndpoint: e.HUAWEICLOUD_CES_ENDPOINT,
    eventBusName: e.EVENT_BUS_NAME,
    eventSource: e.EVENT_SOURCE,
  })),
);

/** What the health check reads from its environment, on top of the Huawei settings. */
export type HealthSettings = z.output<typeof healthSchema>;

/** The whole configuration of a health run: the reconcile function's Huawei side, and its own. */
export type HealthConfig = ReturnType<typeof loadReconcileConfig> & {
  health: HealthSettings;
  /** Where the health states are kept (`IDEMPOTENCY_TABLE_NAME`, under its own keys). */
  stateTableName: string | undefined;
};

/**
 * Parses the health settings alone; blank variables take their defaults. Throws a
 * `ConfigurationError` naming each offending variable.
 */
export const parseHealthSettings = (env: Environment): HealthSettings =>
  parseEnvironment(
    healthSchema,
    Object.fromEntries(
      Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
    ),
  );

/** Loads a health run's configuration once at cold start (or per command, `overrides` its flags). */
export const loadHealthConfig = (
  env: Environment = processEnvironment(),
  overrides: Record<string, string> = {},
): HealthConfig => {
  const huawei = loadReconcileConfig(env, overrides);
  return {
    ...huawei,
    health: parseHealthSettings({ ...env, ...overrides }),
    stateTableName: huawei.breakerTableName,
  };
};
