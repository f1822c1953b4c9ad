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
  SOURCE_QUEUE_URL: trimmed().check(z.url('must be the URL of the queue createMonitor reads')),
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
      /** `HUAWEICLOUD_SMN_ENDPOINT`: replaces the regional SMN endpoints (local runs). */
      smnEndpointOverride: e.HUAWEICLOUD_SMN_ENDPOINT,
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
