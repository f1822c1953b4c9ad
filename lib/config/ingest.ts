import { ConfigurationError } from '../errors.ts';
import { projectIdSchema, regionSchema } from '../events/index.ts';
import * as z from '../zod.ts';
import {
  type Environment,
  endpointSchema,
  optionalText,
  parseEnvironment,
  positiveInt,
  processEnvironment,
  regionListSchema,
  trimmed,
} from './shared.ts';

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

/** The `ingest` function's configuration: the environment above, named for the code that reads it. */
const ingestSchema = z.pipe(
  ingestEnvironmentSchema,
  z.transform((e: z.output<typeof ingestEnvironmentSchema>) => {
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
  }),
);

/** What the `ingest` function reads from its environment. */
export type IngestConfig = z.output<typeof ingestSchema>;

/**
 * Parses the `ingest` function's environment at cold start. Throws a `ConfigurationError`
 * naming every offending variable.
 */
export const loadIngestConfig = (env: Environment = processEnvironment()): IngestConfig =>
  parseEnvironment(ingestSchema, env);
