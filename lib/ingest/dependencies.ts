import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { IngestConfig } from '../config.ts';
import type { Log } from '../log.ts';
import type { IngestDeps } from './ingest.ts';
import type { IngestCounters } from './metrics.ts';
import { createTokenVerifier } from './tokens.ts';

/** The same client setting as `lib/dependencies.ts`: middleware stacks resolved once. */
const CLIENT_CONFIG = { cacheMiddleware: true };

/**
 * Builds the ingest endpoint's clients once per container. The AWS SDK picks up `AWS_REGION`,
 * credentials and the `AWS_ENDPOINT_URL_*` overrides by itself; SMN confirmations use `fetch`.
 */
export const createIngestDependencies = (
  config: IngestConfig,
  log: Log,
  counters: IngestCounters,
): IngestDeps => {
  const secrets = new SecretsManagerClient(CLIENT_CONFIG);
  return {
    verifier: createTokenVerifier({
      secretId: config.tokenSecretId,
      cacheTtlMs: config.tokenCacheTtlMs,
      readSecret: async (secretId) =>
        (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString,
    }),
    sqs: new SQSClient(CLIENT_CONFIG),
    queueUrl: config.sourceQueueUrl,
    defaults: { projectId: config.defaultProjectId, region: config.defaultRegion },
    maxBodyBytes: config.maxBodyBytes,
    smn: { regions: config.smnRegions, endpointOverride: config.smnEndpointOverride },
    fetchUrl: (url, init) => fetch(url, init),
    log,
    counters,
  };
};
