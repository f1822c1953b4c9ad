import { ConfigurationError } from '../errors.ts';
import { regionSchema } from '../events/index.ts';
import * as z from '../zod.ts';
import {
  attemptFitsTimeout,
  type Environment,
  endpointSchema,
  huaweiSettings,
  huaweiVariables,
  loader,
  optionalText,
  optionalUrl,
  positiveInt,
  processEnvironment,
  reconcileTargetTextSchema,
  regionListSchema,
  requireCredentials,
  textWithDefault,
  trimmed,
  uniqueTargets,
  unlessBlank,
  urlSchema,
} from './shared.ts';

/** At most this many records of a batch in flight at once. */
const MAX_RECORD_CONCURRENCY = 50;

/** Parses createMonitor's environment (the README's configuration table) once, at cold start. */
export const loadConfig = /* @__PURE__ */ loader(
  () =>
    z
      .object({
        ...huaweiVariables,
        IDEMPOTENCY_TABLE_NAME: trimmed().check(z.minLength(1, 'is required')),
        IDEMPOTENCY_EXPIRY_SECONDS: positiveInt(15 * 24 * 3600),
        EVENT_BUS_NAME: textWithDefault('default'),
        EVENT_SOURCE: textWithDefault('vpn-monitor-provisioner'),
        DLQ_URL: z.pipe(trimmed(), urlSchema('must be the URL of the dead-letter queue')),
        MAX_RECEIVE_COUNT: positiveInt(5),
        RECORD_CONCURRENCY: positiveInt(
          10,
          z.maximum(MAX_RECORD_CONCURRENCY, `must be at most ${MAX_RECORD_CONCURRENCY}`),
        ),
        NOT_READY_DELAY_SECONDS: positiveInt(30),
        NOT_READY_MAX_WAIT_SECONDS: positiveInt(3600),
        NOT_FOUND_GRACE_SECONDS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 300),
        SOURCE_QUEUE_URL: z.pipe(
          optionalUrl(),
          z.optional(
            z
              .string()
              .check(
                z.refine(
                  (url: string) => !url.endsWith('.fifo'),
                  'is a FIFO queue: SQS refuses per-message DelaySeconds there, which waiting for a connection needs; use a standard queue',
                ),
              ),
          ),
        ),
      })
      .check(
        requireCredentials,
        attemptFitsTimeout,
        z.refine(
          (env: { DLQ_URL: string; SOURCE_QUEUE_URL?: string | undefined }) =>
            env.SOURCE_QUEUE_URL !== env.DLQ_URL,
          {
            path: ['SOURCE_QUEUE_URL'],
            message:
              'must not be DLQ_URL: postponed messages would loop through the dead-letter queue',
          },
        ),
      ),
  (e) => ({
    ...huaweiSettings(e),
    idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
    idempotencyExpirySeconds: e.IDEMPOTENCY_EXPIRY_SECONDS,
    eventBusName: e.EVENT_BUS_NAME,
    eventSource: e.EVENT_SOURCE,
    deadLetterQueueUrl: e.DLQ_URL,
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    recordConcurrency: e.RECORD_CONCURRENCY,
    /** First delay before a not-ready connection is asked about again; doubles per try. */
    notReadyDelaySeconds: e.NOT_READY_DELAY_SECONDS,
    /** How long a connection may stay not ready, from the first time it was seen so. */
    notReadyMaxWaitSeconds: e.NOT_READY_MAX_WAIT_SECONDS,
    /** A connection Huawei does not know this soon after its event is taken as not ready yet. */
    notFoundGraceSeconds: e.NOT_FOUND_GRACE_SECONDS,
    /** The source queue; when unset, derived from each record's queue ARN. */
    sourceQueueUrl: e.SOURCE_QUEUE_URL,
  }),
);

/** The validated configuration of createMonitor. */
export type Config = ReturnType<typeof loadConfig>;

/**
 * Parses the replay's environment (the `replayDlq` Lambda, and the `replay` command's defaults):
 * both queues are optional here, since the command takes `--dlq` and `--to` and can find the
 * source queue itself.
 */
export const loadReplayConfig = /* @__PURE__ */ loader(
  () =>
    z.object({
      DLQ_URL: optionalUrl('must be the URL of the dead-letter queue'),
      SOURCE_QUEUE_URL: optionalUrl('must be the URL of the queue that replayed messages go to'),
    }),
  (e) => ({ deadLetterQueueUrl: e.DLQ_URL, sourceQueueUrl: e.SOURCE_QUEUE_URL }),
);

/** Where a replay takes from and sends to, when its options do not say. */
export type ReplayConfig = ReturnType<typeof loadReplayConfig>;

/**
 * Parses a reconcile run's environment (the `reconcile` Lambda, the command's defaults); having
 * no target is not an error here (the command takes `--target`).
 */
export const loadReconcileConfig = /* @__PURE__ */ loader(
  () =>
    z
      .object({
        ...huaweiVariables,
        SOURCE_QUEUE_URL: optionalUrl('must be the URL of the queue reconciled connections go to'),
        /** The idempotency table, where the fleet's credential breakers live; unset: none. */
        IDEMPOTENCY_TABLE_NAME: optionalText,
        RECONCILE_TARGETS: unlessBlank(reconcileTargetTextSchema),
        RECONCILE_ENQUEUE_RATE: z.optional(z.coerce.number().check(z.positive())),
        RECONCILE_DELETE_ORPHANS: z._default(
          z.pipe(
            trimmed().check(z.regex(/^(true|false)$/, 'must be true or false')),
            z.transform((value: string) => value === 'true'),
          ),
          false,
        ),
      })
      .check(requireCredentials, attemptFitsTimeout),
  (e) => {
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
  },
);

/** What a reconcile run reads from its environment. */
export type ReconcileConfig = ReturnType<typeof loadReconcileConfig>;

/** Parses the environment of `ingest`, the endpoint Huawei EventGrid and SMN push to. */
export const loadIngestConfig = /* @__PURE__ */ loader(
  () =>
    z.object({
      HUAWEICLOUD_REGION: huaweiVariables.HUAWEICLOUD_REGION,
      HUAWEICLOUD_PROJECT_ID: huaweiVariables.HUAWEICLOUD_PROJECT_ID,
      // The queue URL's rules are the endpoints' (no user:pw@, https except on loopback): ingest
      // sends every event to it, so a password in it would travel in every SendMessageBatch.
      SOURCE_QUEUE_URL: z.pipe(
        trimmed().check(
          z.url({ abort: true, error: 'must be the URL of the queue createMonitor reads' }),
        ),
        endpointSchema,
      ),
      INGEST_TOKEN_SECRET_ID: trimmed().check(
        z.minLength(
          1,
          'is required: the Secrets Manager secret holding {"current","previous"?} tokens',
        ),
      ),
      INGEST_TOKEN_CACHE_SECONDS: positiveInt(60),
      INGEST_MAX_BODY_BYTES: positiveInt(
        1024 * 1024,
        z.lte(10 * 1024 * 1024, "must be at most 10 MiB, API Gateway's limit"),
      ),
      SMN_CONFIRM_REGIONS: z.optional(regionListSchema),
      HUAWEICLOUD_SMN_ENDPOINT: unlessBlank(endpointSchema),
      // A comma-separated list like the regions; each one is checked to be a topic URN below.
      SMN_TOPIC_URNS: z.optional(regionListSchema),
    }),
  (e) => {
    // An empty SMN_CONFIRM_REGIONS (serverless.yml's default) means the default region too.
    const smnRegions = e.SMN_CONFIRM_REGIONS?.length
      ? e.SMN_CONFIRM_REGIONS
      : e.HUAWEICLOUD_REGION
        ? [e.HUAWEICLOUD_REGION]
        : [];
    const badRegion = smnRegions.find((region) => !regionSchema.safeParse(region).success);
    if (badRegion !== undefined) {
      throw new ConfigurationError(
        `Invalid configuration: SMN_CONFIRM_REGIONS holds ${JSON.stringify(badRegion)}, which is not a region such as cn-north-4`,
      );
    }
    const badTopic = e.SMN_TOPIC_URNS?.find(
      (urn) => !/^urn:smn:[^:\s]+:[^:\s]+:[^:\s]+$/.test(urn),
    );
    if (badTopic !== undefined) {
      throw new ConfigurationError(
        `Invalid configuration: SMN_TOPIC_URNS holds ${JSON.stringify(badTopic)}, which is not a topic URN such as urn:smn:cn-north-4:<project id>:<topic name>`,
      );
    }
    return {
      /** The defaults createMonitor applies, so ingest accepts exactly the events it will. */
      defaultRegion: e.HUAWEICLOUD_REGION,
      defaultProjectId: e.HUAWEICLOUD_PROJECT_ID,
      sourceQueueUrl: e.SOURCE_QUEUE_URL,
      tokenSecretId: e.INGEST_TOKEN_SECRET_ID,
      tokenCacheTtlMs: e.INGEST_TOKEN_CACHE_SECONDS * 1000,
      maxBodyBytes: e.INGEST_MAX_BODY_BYTES,
      /**
       * Regions whose SMN endpoint may confirm a subscription: `SMN_CONFIRM_REGIONS` when it
       * lists any, else the default region, else none (every confirmation is refused and logged).
       */
      smnRegions,
      /**
       * `HUAWEICLOUD_SMN_ENDPOINT`: where the SMN and console URLs that pass the checks are fetched
       * instead (local runs); what passes the checks is the same with or without it.
       */
      smnEndpointOverride: e.HUAWEICLOUD_SMN_ENDPOINT,
      /** `SMN_TOPIC_URNS`: when it lists any, SMN messages from other topics are refused. */
      smnTopicUrns: e.SMN_TOPIC_URNS?.length ? e.SMN_TOPIC_URNS : undefined,
    };
  },
);

/** What the `ingest` function reads from its environment. */
export type IngestConfig = ReturnType<typeof loadIngestConfig>;

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
const healthSettings = /* @__PURE__ */ loader(
  () =>
    z
      .object({
        HEALTH_DEGRADED_LOSS_PERCENT: between(5, 0, 100),
        HEALTH_DOWN_LOSS_PERCENT: between(50, 0, 100),
        HEALTH_DEGRADED_LATENCY_MS: between(300, 1, 5000),
        // 3000 points a call: a longer window than 60 minutes would shrink batches to nothing useful.
        HEALTH_WINDOW_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(60)), 5),
        HEALTH_METRIC_SOURCE: z._default(z.enum(['link', 'tunnel']), 'link'),
        HEALTH_CONNECTION_METRICS: flag(false),
        // Cloud Eye's endpoint follows the VPN endpoint's rules: https, or http on this machine.
        HUAWEICLOUD_CES_ENDPOINT: unlessBlank(endpointSchema),
        EVENT_BUS_NAME: textWithDefault('default'),
        EVENT_SOURCE: textWithDefault('vpn-monitor-provisioner'),
      })
      .check(
        z.refine((e) => e.HEALTH_DEGRADED_LOSS_PERCENT <= e.HEALTH_DOWN_LOSS_PERCENT, {
          path: ['HEALTH_DOWN_LOSS_PERCENT'],
          message: 'must be at least HEALTH_DEGRADED_LOSS_PERCENT',
        }),
      ),
  (e) => ({
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
  }),
);

/** What the health check reads from its environment, on top of the Huawei settings. */
export type HealthSettings = ReturnType<typeof healthSettings>;

/** Parses the health settings alone; blank variables take their defaults. */
export const parseHealthSettings = (env: Environment): HealthSettings =>
  healthSettings(
    Object.fromEntries(
      Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
    ),
  );

/** Loads a health run's configuration once at cold start (or per command, `overrides` its flags). */
export const loadHealthConfig = (
  env: Environment = processEnvironment(),
  overrides: Record<string, string> = {},
) => {
  const huawei = loadReconcileConfig(env, overrides);
  return {
    ...huawei,
    health: parseHealthSettings({ ...env, ...overrides }),
    /** Where the health states are kept (`IDEMPOTENCY_TABLE_NAME`, under its own keys). */
    stateTableName: huawei.breakerTableName,
  };
};

/** The whole configuration of a health run: the reconcile function's Huawei side, and its own. */
export type HealthConfig = ReturnType<typeof loadHealthConfig>;
