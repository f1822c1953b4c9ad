import { LOOPBACK_HOSTS } from '../aws/local-endpoint.ts';
import { loadReconcileConfig, type ReconcileConfig } from '../config.ts';
import { ConfigurationError } from '../errors.ts';
import * as z from '../zod.ts';
import type { MetricSource } from './cloud-eye.ts';
import type { HealthThresholds } from './decide.ts';

const number = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.gte(min), z.lte(max)), fallback);

const flag = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false']), fallback ? 'true' : 'false'),
    z.transform((value: 'true' | 'false') => value === 'true'),
  );

/** `https://`, or `http://` on this machine (the simulator); no trailing slash. */
const endpoint = z.optional(
  z.pipe(
    z.string().check(
      z.trim(),
      z.url({ abort: true }),
      z.refine((value: string) => {
        const url = new URL(value);
        return (
          url.username === '' &&
          url.password === '' &&
          (url.protocol === 'https:' ||
            (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
        );
      }, 'must be https://, or http:// on a loopback host, with no user:pw@'),
    ),
    z.transform((value: string) => value.replace(/\/+$/, '')),
  ),
);

/**
 * The health function's own variables (the Huawei ones are the reconcile function's: accounts,
 * credentials, targets, retries). Defaults in the comments of `serverless.yml`'s params.
 */
const healthEnvironmentSchema = z
  .object({
    HEALTH_DEGRADED_LOSS_PERCENT: number(5, 0, 100),
    HEALTH_DOWN_LOSS_PERCENT: number(50, 0, 100),
    HEALTH_DEGRADED_LATENCY_MS: number(300, 1, 5000),
    // 3000 points a call: a longer window than 60 minutes would shrink batches to nothing useful.
    HEALTH_WINDOW_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(60)), 5),
    HEALTH_METRIC_SOURCE: z._default(z.enum(['link', 'tunnel']), 'link'),
    HEALTH_CONNECTION_METRICS: flag(false),
    HUAWEICLOUD_CES_ENDPOINT: endpoint,
    EVENT_BUS_NAME: z._default(z.string().check(z.trim(), z.minLength(1)), 'default'),
    EVENT_SOURCE: z._default(z.string().check(z.trim(), z.minLength(1)), 'vpn-monitor-provisioner'),
  })
  .check(
    z.refine((e) => e.HEALTH_DEGRADED_LOSS_PERCENT <= e.HEALTH_DOWN_LOSS_PERCENT, {
      path: ['HEALTH_DOWN_LOSS_PERCENT'],
      message: 'must be at least HEALTH_DEGRADED_LOSS_PERCENT',
    }),
  );

/** What the health check reads from its environment, on top of the Huawei settings. */
export interface HealthSettings {
  thresholds: HealthThresholds;
  /** Which figures decide: the physical link's (`link_*`) or the tunnel's (`tunnel_*`). */
  metricSource: MetricSource;
  /** Per-connection latency and loss as CloudWatch metrics (custom metrics: they cost). */
  connectionMetrics: boolean;
  /** `HUAWEICLOUD_CES_ENDPOINT`: every region's Cloud Eye (the simulator, a proxy). */
  cloudEyeEndpoint: string | undefined;
  eventBusName: string;
  eventSource: string;
}

/** The whole configuration of a health run: the reconcile function's Huawei side, and its own. */
export interface HealthConfig extends ReconcileConfig {
  health: HealthSettings;
  /** Where the health states are kept (`IDEMPOTENCY_TABLE_NAME`, under its own keys). */
  stateTableName: string | undefined;
}

/** Parses the health settings alone; throws a {@link ConfigurationError} naming each variable. */
export const parseHealthSettings = (env: Record<string, string | undefined>): HealthSettings => {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = healthEnvironmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid configuration: ${z.formatIssues(parsed.error.issues)}`);
  }
  const e = parsed.data;
  return {
    thresholds: {
      degradedLossPercent: e.HEALTH_DEGRADED_LOSS_PERCENT,
      downLossPercent: e.HEALTH_DOWN_LOSS_PERCENT,
      degradedLatencyMs: e.HEALTH_DEGRADED_LATENCY_MS,
      windowMinutes: e.HEALTH_WINDOW_MINUTES,
    },
    metricSource: e.HEALTH_METRIC_SOURCE,
    connectionMetrics: e.HEALTH_CONNECTION_METRICS,
    cloudEyeEndpoint: e.HUAWEICLOUD_CES_ENDPOINT,
    eventBusName: e.EVENT_BUS_NAME,
    eventSource: e.EVENT_SOURCE,
  };
};

/** Loads a health run's configuration once at cold start (or per command). */
export const loadHealthConfig = (
  env: Record<string, string | undefined> = process.env,
  overrides: Record<string, string> = {},
): HealthConfig => {
  const huawei = loadReconcileConfig(env, overrides);
  return {
    ...huawei,
    health: parseHealthSettings({ ...env, ...overrides }),
    stateTableName: huawei.breakerTableName,
  };
};
