import { createSecretReader, createSqsClient } from '../aws/index.ts';
import type { IngestConfig } from '../config/index.ts';
import type { Log } from '../log.ts';
import type { IngestDeps } from './ingest.ts';
import type { IngestCounters } from './metrics.ts';
import { createTokenVerifier } from './tokens.ts';

/**
 * Builds the ingest endpoint's clients once per container (`lib/aws/`, which lets the SDK pick
 * up `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides); SMN confirmations are
 * fetched with `fetch`.
 */
export const createIngestDependencies = (
  config: IngestConfig,
  log: Log,
  counters: IngestCounters,
): IngestDeps => ({
  verifier: createTokenVerifier({
    secretId: config.tokenSecretId,
    cacheTtlMs: config.tokenCacheTtlMs,
    readSecret: createSecretReader(),
  }),
  sqs: createSqsClient(),
  queueUrl: config.sourceQueueUrl,
  defaults: { projectId: config.defaultProjectId, region: config.defaultRegion },
  maxBodyBytes: config.maxBodyBytes,
  smn: { regions: config.smnRegions, endpointOverride: config.smnEndpointOverride },
  fetchUrl: (url, init) => fetch(url, init),
  log,
  counters,
});
