import { type AccountsDocumentSource, parseDocumentText } from './accounts/document-source.ts';
import { iamEndpointResolver, stsEndpointResolver } from './accounts/endpoints.ts';
import type { IdentityEndpoints } from './accounts/huawei-identity.ts';
import { stsRegionCheck } from './accounts/sts-regions.ts';
import { LOOPBACK_HOSTS } from './aws/local-endpoint.ts';
import { ConfigurationError } from './errors.ts';
import { projectIdSchema, regionSchema } from './events/ids.ts';
import type { CredentialSource } from './huawei/credentials.ts';
import { vpnEndpointResolver } from './huawei/endpoints.ts';
import type { VpnTarget } from './huawei/vpn-client.ts';
import { reconcileTargetTextSchema, uniqueTargets } from './reconcile/targets.ts';
import * as z from './zod.ts';

const trimmed = () => z.string().check(z.trim());

const optionalText = z.optional(
  z.pipe(
    trimmed(),
    z.transform((value: string) => (value === '' ? undefined : value)),
  ),
);

const NO_USERINFO =
  'must not carry a user name or password (user:pw@): credentials never go in a URL';

/** Whether a URL string has no `user:pw@` part; only called on strings that parsed as URLs. */
const withoutUserinfo = (value: string): boolean => {
  const url = new URL(value);
  return url.username === '' && url.password === '';
};

/** An optional variable that, when set, must be a URL without credentials in it. */
const optionalUrl = (error?: string) =>
  z.pipe(
    optionalText,
    z.optional(
      z
        .string()
        .check(
          z.url({ abort: true, ...(error ? { error } : {}) }),
          z.refine(withoutUserinfo, NO_USERINFO),
        ),
    ),
  );

const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

const textWithDefault = (fallback: string) => z._default(trimmed().check(z.minLength(1)), fallback);

/** Where the VPN API lives: `https://` anywhere, plain `http://` only on this machine. */
const endpointSchema = z.pipe(
  trimmed().check(
    // abort: the refinement below parses the URL, so it must not run on one that is not a URL.
    z.url({ abort: true }),
    z.refine((value: string) => {
      const url = new URL(value);
      return (
        url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
      );
    }, 'must be https://, or http:// on a loopback host (localhost, 127.0.0.1, [::1])'),
    z.refine(withoutUserinfo, NO_USERINFO),
  ),
  z.transform((value: string) => value.replace(/\/+$/, '')),
);

/**
 * Per-region endpoints, `region=url` comma-separated (`HUAWEICLOUD_VPN_ENDPOINTS`), each URL
 * validated like `HUAWEICLOUD_VPN_ENDPOINT`.
 */
const endpointMapSchema = z.pipe(
  z.string(),
  z.pipe(
    z.transform((text: string) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
        .map((entry) => {
          const at = entry.indexOf('=');
          return at < 0
            ? { region: entry, endpoint: '' }
            : { region: entry.slice(0, at).trim(), endpoint: entry.slice(at + 1) };
        }),
    ),
    z.pipe(
      z.array(z.object({ region: regionSchema, endpoint: endpointSchema })),
      z.transform((entries: { region: string; endpoint: string }[]) =>
        Object.fromEntries(entries.map((entry) => [entry.region, entry.endpoint])),
      ),
    ),
  ),
);

/** The variables of every function that calls Huawei: where, as whom, how patiently. */
const huaweiVariables = {
  HUAWEICLOUD_REGION: z.pipe(optionalText, z.optional(regionSchema)),
  HUAWEICLOUD_PROJECT_ID: z.pipe(optionalText, z.optional(projectIdSchema)),
  HUAWEICLOUD_VPN_ENDPOINT: z.pipe(optionalText, z.optional(endpointSchema)),
  HUAWEICLOUD_VPN_ENDPOINTS: z.pipe(optionalText, z.optional(endpointMapSchema)),
  HUAWEICLOUD_SDK_AK: optionalText,
  HUAWEICLOUD_SDK_SK: optionalText,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: optionalText,
  HUAWEICLOUD_CREDENTIALS_SECRET_ID: optionalText,
  ACCOUNTS_DOCUMENT: optionalText,
  ACCOUNTS_DOCUMENT_SECRET_ID: optionalText,
  ACCOUNTS_DOCUMENT_PARAMETER: optionalText,
  HUAWEICLOUD_STS_ENDPOINT: z.pipe(optionalText, z.optional(endpointSchema)),
  HUAWEICLOUD_STS_ENDPOINTS: z.pipe(optionalText, z.optional(endpointMapSchema)),
  HUAWEICLOUD_IAM_ENDPOINT: z.pipe(optionalText, z.optional(endpointSchema)),
  HUAWEICLOUD_IAM_ENDPOINTS: z.pipe(optionalText, z.optional(endpointMapSchema)),
  HUAWEI_ATTEMPT_TIMEOUT_MS: positiveInt(10_000),
  HUAWEI_MAX_ATTEMPTS: positiveInt(5),
  HUAWEI_RETRY_BASE_MS: positiveInt(200),
  HUAWEI_RETRY_CAP_MS: positiveInt(5_000),
  HUAWEI_BREAKER_COOLDOWN_SECONDS: positiveInt(60),
  HUAWEI_THROTTLE_PAUSE_MS: positiveInt(2_000),
  /** The function's own timeout (serverless.yml sets it): Lambda tells no variable of it. */
  FUNCTION_TIMEOUT_SECONDS: z.optional(z.coerce.number().check(z.int(), z.positive())),
};

/** What an invocation keeps back from its timeout: the partial response, DLQ sends. */
const RESERVED_MS = 3_000;

/** One Huawei attempt must fit in the function's timeout, with time left to report. */
const attemptFitsTimeout = z.superRefine(
  (
    env: { HUAWEI_ATTEMPT_TIMEOUT_MS: number; FUNCTION_TIMEOUT_SECONDS?: number | undefined },
    ctx,
  ) => {
    const timeout = env.FUNCTION_TIMEOUT_SECONDS;
    if (timeout !== undefined && env.HUAWEI_ATTEMPT_TIMEOUT_MS > timeout * 1000 - RESERVED_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HUAWEI_ATTEMPT_TIMEOUT_MS'],
        message: `must be at most ${timeout * 1000 - RESERVED_MS} (FUNCTION_TIMEOUT_SECONDS=${timeout} less ${RESERVED_MS} ms kept back to answer), or no attempt could ever finish`,
      });
    }
  },
);

/** At most this many records of a batch in flight at once. */
const MAX_RECORD_CONCURRENCY = 50;

const DOCUMENT_VARIABLES = [
  'ACCOUNTS_DOCUMENT',
  'ACCOUNTS_DOCUMENT_SECRET_ID',
  'ACCOUNTS_DOCUMENT_PARAMETER',
] as const;

/** Credentials must come from somewhere: an accounts document, both keys, or a secret. */
const requireCredentials = z.superRefine(
  (
    env: {
      HUAWEICLOUD_SDK_AK?: string | undefined;
      HUAWEICLOUD_SDK_SK?: string | undefined;
      HUAWEICLOUD_CREDENTIALS_SECRET_ID?: string | undefined;
      ACCOUNTS_DOCUMENT?: string | undefined;
      ACCOUNTS_DOCUMENT_SECRET_ID?: string | undefined;
      ACCOUNTS_DOCUMENT_PARAMETER?: string | undefined;
    },
    ctx,
  ) => {
    const documents = DOCUMENT_VARIABLES.filter((name) => env[name] !== undefined);
    if (documents.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [documents[1] ?? 'ACCOUNTS_DOCUMENT'],
        message: `set one of ${DOCUMENT_VARIABLES.join(', ')}, not ${documents.join(' and ')}`,
      });
    }
    if (documents.length > 0) return;
    const hasKeys = env.HUAWEICLOUD_SDK_AK !== undefined || env.HUAWEICLOUD_SDK_SK !== undefined;
    if (hasKeys && (env.HUAWEICLOUD_SDK_AK === undefined || env.HUAWEICLOUD_SDK_SK === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.HUAWEICLOUD_SDK_AK === undefined ? 'HUAWEICLOUD_SDK_AK' : 'HUAWEICLOUD_SDK_SK'],
        message: 'HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together',
      });
    }
    if (!hasKeys && env.HUAWEICLOUD_CREDENTIALS_SECRET_ID === undefined) {
      ctx.addIssue({
        code: 'custom',
        // No path: no one variable is wrong, so the sentence names every way instead.
        path: [],
        message:
          'has no Huawei credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (an access key), HUAWEICLOUD_CREDENTIALS_SECRET_ID (a Secrets Manager secret holding one), or ACCOUNTS_DOCUMENT_PARAMETER or ACCOUNTS_DOCUMENT_SECRET_ID (an accounts document)',
      });
    }
  },
);

/** The environment as this project reads it; see the configuration table in the README. */
const environmentSchema = z
  .object({
    ...huaweiVariables,
    IDEMPOTENCY_TABLE_NAME: trimmed().check(z.minLength(1, 'is required')),
    IDEMPOTENCY_EXPIRY_SECONDS: positiveInt(15 * 24 * 3600),
    EVENT_BUS_NAME: textWithDefault('default'),
    EVENT_SOURCE: textWithDefault('vpn-monitor-provisioner'),
    DLQ_URL: trimmed().check(
      z.url({ abort: true, error: 'must be the URL of the dead-letter queue' }),
      z.refine(withoutUserinfo, NO_USERINFO),
    ),
    MAX_RECEIVE_COUNT: positiveInt(5),
    RECORD_CONCURRENCY: z._default(
      z.coerce
        .number()
        .check(
          z.int(),
          z.positive(),
          z.maximum(MAX_RECORD_CONCURRENCY, `must be at most ${MAX_RECORD_CONCURRENCY}`),
        ),
      10,
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
        message: 'must not be DLQ_URL: postponed messages would loop through the dead-letter queue',
      },
    ),
  );

/** The validated configuration of a running function. */
export interface Config {
  defaultRegion: string | undefined;
  defaultProjectId: string | undefined;
  /** The VPN API base URL for a region, without a trailing slash. */
  vpnEndpoint: (region: string) => string;
  /** The single key of a deployment without an accounts document. */
  credentials: CredentialSource | undefined;
  /** Where the accounts document is (a single key becomes a one-account document). */
  accountsDocument: AccountsDocumentSource;
  /** Huawei STS and IAM, per region. */
  identityEndpoints: IdentityEndpoints;
  idempotencyTableName: string;
  idempotencyExpirySeconds: number;
  eventBusName: string;
  eventSource: string;
  deadLetterQueueUrl: string;
  maxReceiveCount: number;
  recordConcurrency: number;
  huaweiAttemptTimeoutMs: number;
  huaweiMaxAttempts: number;
  /** Full-jitter backoff between attempts: base, doubling, capped. */
  huaweiBackoff: { baseMs: number; capMs: number };
  /**
   * The fleet's credential breaker: environment credentials Huawei refused are probed again
   * after this long, five times longer after a second refusal, never after a third.
   */
  breakerCooldownMs: number;
  /** How long a container holds its calls to a project after a 429 without `Retry-After`. */
  throttlePauseMs: number;
  /** First delay before a not-ready connection is asked about again; doubles per try. */
  notReadyDelaySeconds: number;
  /** How long a connection may stay not ready, from the first time it was seen so. */
  notReadyMaxWaitSeconds: number;
  /** A connection Huawei does not know this soon after its event is taken as not ready yet. */
  notFoundGraceSeconds: number;
  /** The source queue; when unset, derived from each record's queue ARN. */
  sourceQueueUrl: string | undefined;
}

/** The Huawei part of a configuration: endpoint, credentials, retry settings. */
export type HuaweiSettings = Pick<
  Config,
  | 'defaultRegion'
  | 'defaultProjectId'
  | 'vpnEndpoint'
  | 'credentials'
  | 'accountsDocument'
  | 'identityEndpoints'
  | 'huaweiAttemptTimeoutMs'
  | 'huaweiMaxAttempts'
  | 'huaweiBackoff'
  | 'breakerCooldownMs'
  | 'throttlePauseMs'
>;

const singleKey = (e: z.output<z.ZodMiniObject<typeof huaweiVariables>>) => {
  if (e.HUAWEICLOUD_SDK_AK !== undefined && e.HUAWEICLOUD_SDK_SK !== undefined) {
    return {
      kind: 'environment' as const,
      ak: e.HUAWEICLOUD_SDK_AK,
      sk: e.HUAWEICLOUD_SDK_SK,
      securityToken: e.HUAWEICLOUD_SDK_SECURITY_TOKEN,
    };
  }
  return e.HUAWEICLOUD_CREDENTIALS_SECRET_ID === undefined
    ? undefined
    : { kind: 'secrets-manager' as const, secretId: e.HUAWEICLOUD_CREDENTIALS_SECRET_ID };
};

const stsOverrides = (e: z.output<z.ZodMiniObject<typeof huaweiVariables>>) => ({
  all: e.HUAWEICLOUD_STS_ENDPOINT,
  byRegion: e.HUAWEICLOUD_STS_ENDPOINTS ?? {},
});

const documentSource = (
  e: z.output<z.ZodMiniObject<typeof huaweiVariables>>,
  credentials: CredentialSource | undefined,
): AccountsDocumentSource => {
  if (e.ACCOUNTS_DOCUMENT !== undefined) {
    // Inline, the document is checked at cold start like any other variable.
    parseDocumentText(
      e.ACCOUNTS_DOCUMENT,
      'ACCOUNTS_DOCUMENT',
      e.HUAWEICLOUD_REGION,
      stsRegionCheck(stsOverrides(e)),
    );
    return { kind: 'inline', text: e.ACCOUNTS_DOCUMENT };
  }
  if (e.ACCOUNTS_DOCUMENT_SECRET_ID !== undefined)
    return { kind: 'secret', secretId: e.ACCOUNTS_DOCUMENT_SECRET_ID };
  if (e.ACCOUNTS_DOCUMENT_PARAMETER !== undefined)
    return { kind: 'parameter', name: e.ACCOUNTS_DOCUMENT_PARAMETER };
  // requireCredentials has made sure one of the four is set.
  return {
    kind: 'single-key',
    credentials: credentials ?? { kind: 'secrets-manager', secretId: '' },
  };
};

const huaweiSettings = (e: z.output<z.ZodMiniObject<typeof huaweiVariables>>): HuaweiSettings => {
  const credentials = singleKey(e);
  return {
    defaultRegion: e.HUAWEICLOUD_REGION,
    defaultProjectId: e.HUAWEICLOUD_PROJECT_ID,
    vpnEndpoint: vpnEndpointResolver({
      all: e.HUAWEICLOUD_VPN_ENDPOINT,
      byRegion: e.HUAWEICLOUD_VPN_ENDPOINTS ?? {},
    }),
    credentials,
    accountsDocument: documentSource(e, credentials),
    identityEndpoints: {
      sts: stsEndpointResolver(stsOverrides(e)),
      stsKnown: stsRegionCheck(stsOverrides(e)),
      iam: iamEndpointResolver({
        all: e.HUAWEICLOUD_IAM_ENDPOINT,
        byRegion: e.HUAWEICLOUD_IAM_ENDPOINTS ?? {},
      }),
    },
    huaweiAttemptTimeoutMs: e.HUAWEI_ATTEMPT_TIMEOUT_MS,
    huaweiMaxAttempts: e.HUAWEI_MAX_ATTEMPTS,
    huaweiBackoff: { baseMs: e.HUAWEI_RETRY_BASE_MS, capMs: e.HUAWEI_RETRY_CAP_MS },
    breakerCooldownMs: e.HUAWEI_BREAKER_COOLDOWN_SECONDS * 1000,
    throttlePauseMs: e.HUAWEI_THROTTLE_PAUSE_MS,
  };
};

/** The error of an environment that does not parse, naming every offending variable. */
const invalidConfiguration = (issues: Parameters<typeof z.formatIssues>[0]): ConfigurationError =>
  new ConfigurationError(`Invalid configuration: ${z.formatIssues(issues, 'environment')}`);

/** `env` parsed with `schema`; an {@link invalidConfiguration} error when it does not parse. */
const parseEnvironment = <S extends z.ZodMiniType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw invalidConfiguration(parsed.error.issues);
  return parsed.data;
};

/**
 * Parses the environment once, at cold start. Throws a {@link ConfigurationError} that names
 * every offending variable, so a broken deployment says what to fix in its first log line.
 */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw invalidConfiguration(parsed.error.issues);
  }
  const e = parsed.data;
  return {
    ...huaweiSettings(e),
    idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
    idempotencyExpirySeconds: e.IDEMPOTENCY_EXPIRY_SECONDS,
    eventBusName: e.EVENT_BUS_NAME,
    eventSource: e.EVENT_SOURCE,
    deadLetterQueueUrl: e.DLQ_URL,
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    recordConcurrency: e.RECORD_CONCURRENCY,
    notReadyDelaySeconds: e.NOT_READY_DELAY_SECONDS,
    notReadyMaxWaitSeconds: e.NOT_READY_MAX_WAIT_SECONDS,
    notFoundGraceSeconds: e.NOT_FOUND_GRACE_SECONDS,
    sourceQueueUrl: e.SOURCE_QUEUE_URL,
  };
};

/** The environment of a replay: the `replayDlq` Lambda, and the `replay` command's defaults. */
const replayEnvironmentSchema = z.object({
  DLQ_URL: optionalUrl('must be the URL of the dead-letter queue'),
  SOURCE_QUEUE_URL: optionalUrl('must be the URL of the queue that replayed messages go to'),
});

/** Where a replay takes from and sends to, when its options do not say. */
export interface ReplayConfig {
  deadLetterQueueUrl: string | undefined;
  sourceQueueUrl: string | undefined;
}

/**
 * Parses the replay's environment: both queues are optional here (the command takes `--dlq` and
 * `--to`, and can find the source queue itself). Throws a {@link ConfigurationError} naming a
 * variable that is set but not a URL.
 */
export const loadReplayConfig = (
  env: Record<string, string | undefined> = process.env,
): ReplayConfig => {
  const e = parseEnvironment(replayEnvironmentSchema, env);
  return { deadLetterQueueUrl: e.DLQ_URL, sourceQueueUrl: e.SOURCE_QUEUE_URL };
};

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

/** What a reconcile run reads from its environment. */
export interface ReconcileConfig extends HuaweiSettings {
  /**
   * Projects and regions to reconcile: `RECONCILE_TARGETS`, else the default project in the
   * default region, else none (a run must then name its targets).
   */
  targets: VpnTarget[];
  /** Delete monitors whose connection is gone; off unless `RECONCILE_DELETE_ORPHANS=true`. */
  deleteOrphans: boolean;
  /** Where connections without a monitor are queued (`SOURCE_QUEUE_URL`). */
  sourceQueueUrl: string | undefined;
  /**
   * The table of the fleet's credential breakers (`IDEMPOTENCY_TABLE_NAME`, createMonitor's):
   * a run then obeys and feeds the same breaker; unset (a command without AWS), it guards
   * only itself.
   */
  breakerTableName: string | undefined;
  /**
   * Messages a second a run's queued connections become visible at (`RECONCILE_ENQUEUE_RATE`):
   * spread with `DelaySeconds`, up to SQS's 15 minutes; unset, all at once.
   */
  enqueueRate: number | undefined;
}

/**
 * Parses a reconcile run's environment, with `overrides` (the command's flags) on top. Throws
 * a {@link ConfigurationError} naming every offending variable; having no target is not an
 * error here (the command takes `--target`).
 */
export const loadReconcileConfig = (
  env: Record<string, string | undefined> = process.env,
  overrides: Record<string, string> = {},
): ReconcileConfig => {
  const parsed = reconcileEnvironmentSchema.safeParse({ ...env, ...overrides });
  if (!parsed.success) {
    throw invalidConfiguration(parsed.error.issues);
  }
  const e = parsed.data;
  const fallback =
    e.HUAWEICLOUD_PROJECT_ID !== undefined && e.HUAWEICLOUD_REGION !== undefined
      ? [{ projectId: e.HUAWEICLOUD_PROJECT_ID, region: e.HUAWEICLOUD_REGION }]
      : [];
  return {
    ...huaweiSettings(e),
    targets: uniqueTargets(e.RECONCILE_TARGETS ?? fallback),
    deleteOrphans: e.RECONCILE_DELETE_ORPHANS,
    sourceQueueUrl: e.SOURCE_QUEUE_URL,
    breakerTableName: e.IDEMPOTENCY_TABLE_NAME,
    enqueueRate: e.RECONCILE_ENQUEUE_RATE,
  };
};

/** A comma-separated list of regions, `cn-north-4,ap-southeast-1`; empty entries are dropped. */
const regionListSchema = z.pipe(
  trimmed(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== ''),
  ),
);

/** The environment of the `ingest` function, the endpoint Huawei EventGrid and SMN push to. */
const ingestEnvironmentSchema = z.object({
  HUAWEICLOUD_REGION: z.pipe(optionalText, z.optional(regionSchema)),
  HUAWEICLOUD_PROJECT_ID: z.pipe(optionalText, z.optional(projectIdSchema)),
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
  INGEST_MAX_BODY_BYTES: z._default(
    z.coerce
      .number()
      .check(
        z.int(),
        z.positive(),
        z.lte(10 * 1024 * 1024, "must be at most 10 MiB, API Gateway's limit"),
      ),
    1024 * 1024,
  ),
  SMN_CONFIRM_REGIONS: z.optional(regionListSchema),
  HUAWEICLOUD_SMN_ENDPOINT: z.pipe(optionalText, z.optional(endpointSchema)),
  // A comma-separated list like the regions; each one is checked to be a topic URN below.
  SMN_TOPIC_URNS: z.optional(regionListSchema),
});

/** What the `ingest` function reads from its environment. */
export interface IngestConfig {
  /** The defaults createMonitor applies, so ingest accepts exactly the events it will. */
  defaultRegion: string | undefined;
  defaultProjectId: string | undefined;
  sourceQueueUrl: string;
  tokenSecretId: string;
  tokenCacheTtlMs: number;
  maxBodyBytes: number;
  /**
   * Regions whose SMN endpoint may confirm a subscription: `SMN_CONFIRM_REGIONS` when it lists
   * any, else the default region, else none (every confirmation is refused and logged).
   */
  smnRegions: string[];
  /**
   * `HUAWEICLOUD_SMN_ENDPOINT`: where the SMN and console URLs that pass the checks are fetched
   * instead (local runs); what passes the checks is the same with or without it.
   */
  smnEndpointOverride: string | undefined;
  /** `SMN_TOPIC_URNS`: when it lists any, SMN messages from other topics are refused. */
  smnTopicUrns: string[] | undefined;
}

/**
 * Parses the `ingest` function's environment at cold start. Throws a {@link ConfigurationError}
 * naming every offending variable.
 */
export const loadIngestConfig = (
  env: Record<string, string | undefined> = process.env,
): IngestConfig => {
  const e = parseEnvironment(ingestEnvironmentSchema, env);
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
  const badTopic = e.SMN_TOPIC_URNS?.find((urn) => !/^urn:smn:[^:\s]+:[^:\s]+:[^:\s]+$/.test(urn));
  if (badTopic !== undefined) {
    throw new ConfigurationError(
      `Invalid configuration: SMN_TOPIC_URNS holds ${JSON.stringify(badTopic)}, which is not a topic URN such as urn:smn:cn-north-4:<project id>:<topic name>`,
    );
  }
  return {
    defaultRegion: e.HUAWEICLOUD_REGION,
    defaultProjectId: e.HUAWEICLOUD_PROJECT_ID,
    sourceQueueUrl: e.SOURCE_QUEUE_URL,
    tokenSecretId: e.INGEST_TOKEN_SECRET_ID,
    tokenCacheTtlMs: e.INGEST_TOKEN_CACHE_SECONDS * 1000,
    maxBodyBytes: e.INGEST_MAX_BODY_BYTES,
    smnRegions,
    smnEndpointOverride: e.HUAWEICLOUD_SMN_ENDPOINT,
    smnTopicUrns: e.SMN_TOPIC_URNS?.length ? e.SMN_TOPIC_URNS : undefined,
  };
};
