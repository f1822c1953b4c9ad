import { createSecretReader } from '../aws/secrets-manager.ts';
import { createSqsClient } from '../aws/sqs.ts';
import type { IngestConfig } from '../config.ts';
import type { Log } from '../log.ts';
import type { IngestDeps } from './ingest.ts';
import type { IngestCounters } from './metrics.ts';
import { createSmnVerifier } from './smn-signature.ts';
import { createTokenVerifier } from './tokens.ts';

const fetchUrl = (url: string, init: RequestInit) => fetch(url, init);

/**
 * Builds the ingest endpoint's clients once per container (`lib/aws/`, which lets the SDK pick
 * up `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides); SMN confirmations and
 * signing certificates are fetched with `fetch`.
 */
export const createIngestDependencies = (
  config: IngestConfig,
  log: Log,
  counters: IngestCounters,
): IngestDeps => {
  const smn = {
    regions: config.smnRegions,
    endpointOverride: config.smnEndpointOverride,
    topicUrns: config.smnTopicUrns,
  };
  return {
    verifier: createTokenVerifier({
      secretId: config.tokenSecretId,
      cacheTtlMs: config.tokenCacheTtlMs,
      readSecret: createSecretReader(),
    }),
    sqs: createSqsClient(),
    queueUrl: config.sourceQueueUrl,
    defaults: { projectId: config.defaultProjectId, region: config.defaultRegion },
    maxBodyBytes: config.maxBodyBytes,
    smn,
    smnVerifier: createSmnVerifier(smn, fetchUrl),
    fetchUrl,
    log,
    counters,
  };
};
