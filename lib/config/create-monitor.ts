import * as z from '../zod.ts';
import {
  attemptFitsTimeout,
  huaweiSettings,
  huaweiVariables,
  requireCredentials,
} from './huawei.ts';
import {
  type Environment,
  NO_USERINFO,
  optionalUrl,
  parseEnvironment,
  positiveInt,
  processEnvironment,
  textWithDefault,
  trimmed,
  withoutUserinfo,
} from './shared.ts';

/** At most this many records of a batch in flight at once. */
const MAX_RECORD_CONCURRENCY = 50;

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

/** createMonitor's configuration: the environment above, named for the code that reads it. */
const createMonitorSchema = z.pipe(
  environmentSchema,
  z.transform((e: z.output<typeof environmentSchema>) => ({
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
  })),
);

/** The validated configuration of createMonitor. */
export type Config = z.output<typeof createMonitorSchema>;

/**
 * Parses createMonitor's environment once, at cold start. Throws a `ConfigurationError` that
 * names every offending variable, so a broken deployment says what to fix in its first log line.
 */
export const loadConfig = (env: Environment = processEnvironment()): Config =>
  parseEnvironment(createMonitorSchema, env);
