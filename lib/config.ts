import { z } from 'zod';
import { ConfigurationError } from './errors.ts';
import { projectIdSchema, regionSchema } from './events/ids.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Where the VPN API lives: `https://` anywhere, plain `http://` only on this machine. */
const endpointSchema = z
  .string()
  .trim()
  .url()
  .refine((value) => {
    const url = new URL(value);
    return (
      url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
    );
  }, 'must be https://, or http:// on a loopback host (localhost, 127.0.0.1, [::1])')
  .transform((value) => value.replace(/\/+$/, ''));

/** The environment as this project reads it; see the configuration table in the README. */
export const environmentSchema = z
  .object({
    HUAWEICLOUD_REGION: optionalText.pipe(regionSchema.optional()),
    HUAWEICLOUD_PROJECT_ID: optionalText.pipe(projectIdSchema.optional()),
    HUAWEICLOUD_VPN_ENDPOINT: optionalText.pipe(endpointSchema.optional()),
    HUAWEICLOUD_SDK_AK: optionalText,
    HUAWEICLOUD_SDK_SK: optionalText,
    HUAWEICLOUD_SDK_SECURITY_TOKEN: optionalText,
    HUAWEICLOUD_CREDENTIALS_SECRET_ID: optionalText,
    IDEMPOTENCY_TABLE_NAME: z.string().trim().min(1, 'is required'),
    IDEMPOTENCY_EXPIRY_SECONDS: positiveInt(15 * 24 * 3600),
    EVENT_BUS_NAME: z.string().trim().min(1).default('default'),
    EVENT_SOURCE: z.string().trim().min(1).default('vpn-monitor-provisioner'),
    DLQ_URL: z.string().trim().url('must be the URL of the dead-letter queue'),
    MAX_RECEIVE_COUNT: positiveInt(5),
    RECORD_CONCURRENCY: positiveInt(8),
    HUAWEI_ATTEMPT_TIMEOUT_MS: positiveInt(10_000),
    HUAWEI_MAX_ATTEMPTS: positiveInt(5),
    HUAWEI_RETRY_BASE_MS: positiveInt(200),
    HUAWEI_RETRY_CAP_MS: positiveInt(5_000),
    NOT_READY_DELAY_SECONDS: positiveInt(30),
    SOURCE_QUEUE_URL: optionalText.pipe(z.string().url().optional()),
  })
  .superRefine((env, ctx) => {
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
        path: ['HUAWEICLOUD_CREDENTIALS_SECRET_ID'],
        message:
          'set HUAWEICLOUD_CREDENTIALS_SECRET_ID (a Secrets Manager secret) or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
      });
    }
  });

/** Where the Huawei credentials come from: the environment (local runs) or Secrets Manager. */
export type CredentialSource =
  | { kind: 'environment'; ak: string; sk: string; securityToken: string | undefined }
  | { kind: 'secrets-manager'; secretId: string };

/** The validated configuration of a running function. */
export interface Config {
  defaultRegion: string | undefined;
  defaultProjectId: string | undefined;
  /** The VPN API base URL for a region, without a trailing slash. */
  vpnEndpoint: (region: string) => string;
  credentials: CredentialSource;
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
  /** First delay before a not-ready connection is asked about again; doubles per delivery. */
  notReadyDelaySeconds: number;
  /** The source queue; when unset, derived from each record's queue ARN. */
  sourceQueueUrl: string | undefined;
}

/**
 * Parses the environment once, at cold start. Throws a {@link ConfigurationError} that names
 * every offending variable, so a broken deployment says what to fix in its first log line.
 */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`)
      .join('; ');
    throw new ConfigurationError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const endpoint = e.HUAWEICLOUD_VPN_ENDPOINT;
  return {
    defaultRegion: e.HUAWEICLOUD_REGION,
    defaultProjectId: e.HUAWEICLOUD_PROJECT_ID,
    vpnEndpoint: (region) => endpoint ?? `https://vpn.${region}.myhuaweicloud.com`,
    credentials:
      e.HUAWEICLOUD_SDK_AK !== undefined && e.HUAWEICLOUD_SDK_SK !== undefined
        ? {
            kind: 'environment',
            ak: e.HUAWEICLOUD_SDK_AK,
            sk: e.HUAWEICLOUD_SDK_SK,
            securityToken: e.HUAWEICLOUD_SDK_SECURITY_TOKEN,
          }
        : { kind: 'secrets-manager', secretId: e.HUAWEICLOUD_CREDENTIALS_SECRET_ID ?? '' },
    idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
    idempotencyExpirySeconds: e.IDEMPOTENCY_EXPIRY_SECONDS,
    eventBusName: e.EVENT_BUS_NAME,
    eventSource: e.EVENT_SOURCE,
    deadLetterQueueUrl: e.DLQ_URL,
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    recordConcurrency: e.RECORD_CONCURRENCY,
    huaweiAttemptTimeoutMs: e.HUAWEI_ATTEMPT_TIMEOUT_MS,
    huaweiMaxAttempts: e.HUAWEI_MAX_ATTEMPTS,
    huaweiBackoff: { baseMs: e.HUAWEI_RETRY_BASE_MS, capMs: e.HUAWEI_RETRY_CAP_MS },
    notReadyDelaySeconds: e.NOT_READY_DELAY_SECONDS,
    sourceQueueUrl: e.SOURCE_QUEUE_URL,
  };
};
