import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from './config.ts';
import { createHuaweiAccess } from './huawei/access.ts';
import { createIdempotency } from './idempotency/idempotent.ts';
import type { Log } from './log.ts';
import type { ProvisionerDeps } from './provision/process-messages.ts';

/**
 * Every AWS client resolves a command's middleware stack once per command type instead of on
 * every call: the stacks never change after start-up, and resolving them was a tenth of the
 * SDK's CPU time per call.
 */
const CLIENT_CONFIG = { cacheMiddleware: true };

/**
 * Builds the clients once per container from the configuration. The AWS SDK picks up
 * `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides by itself.
 */
export const createDependencies = (config: Config, log: Log): ProvisionerDeps => {
  const sqs = new SQSClient(CLIENT_CONFIG);
  const { accounts, client } = createHuaweiAccess(config, CLIENT_CONFIG);
  return {
    config,
    log,
    sqs,
    accounts,
    client,
    publisher: {
      client: new EventBridgeClient(CLIENT_CONFIG),
      eventBusName: config.eventBusName,
      source: config.eventSource,
    },
    idempotency: createIdempotency({
      tableName: config.idempotencyTableName,
      expiresAfterSeconds: config.idempotencyExpirySeconds,
      client: new DynamoDBClient(CLIENT_CONFIG),
    }),
  };
};
