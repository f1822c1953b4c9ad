import { createFleetGuard, createHuaweiAccess } from '../accounts/index.ts';
import { createDynamoDbClient, createEventBridgeClient, createSqsClient } from '../aws/index.ts';
import type { Config } from '../config/index.ts';
import { createIdempotency } from '../idempotency/index.ts';
import type { Log } from '../log.ts';
import type { ProvisionerDeps } from './types.ts';

/**
 * Builds `createMonitor`'s clients once per container from the configuration. The AWS SDK
 * picks up `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides by itself.
 */
export const createDependencies = (config: Config, log: Log): ProvisionerDeps => {
  const { accounts, client } = createHuaweiAccess(config);
  const dynamoDb = createDynamoDbClient();
  return {
    config,
    log,
    // Only failure paths write to SQS: its SDK is loaded on first use.
    sqs: createSqsClient(),
    accounts,
    client,
    publisher: {
      client: createEventBridgeClient(),
      eventBusName: config.eventBusName,
      source: config.eventSource,
    },
    idempotency: createIdempotency({
      tableName: config.idempotencyTableName,
      expiresAfterSeconds: config.idempotencyExpirySeconds,
      client: dynamoDb,
    }),
    // The fleet's credential breakers live in the same table, on the same client.
    guard: createFleetGuard({
      config,
      client: dynamoDb,
      tableName: config.idempotencyTableName,
      ttlSeconds: config.idempotencyExpirySeconds,
      onStoreError: (error) =>
        log.warn('Could not record the Huawei answer in the credential breaker', { error }),
    }),
  };
};
