import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from './config.ts';
import { createCredentialsProvider } from './huawei/credentials.ts';
import { HuaweiVpnClient } from './huawei/vpn-client.ts';
import { createIdempotency } from './idempotency/idempotent.ts';
import type { Log } from './log.ts';
import type { ProvisionerDeps } from './provision/process-messages.ts';

/**
 * Builds the clients once per container from the configuration. The AWS SDK picks up
 * `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides by itself.
 */
export const createDependencies = (config: Config, log: Log): ProvisionerDeps => {
  const sqs = new SQSClient({});
  let secrets: SecretsManagerClient | undefined;
  const credentials = createCredentialsProvider(config.credentials, async (secretId) => {
    secrets ??= new SecretsManagerClient({});
    const output = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    return output.SecretString;
  });
  return {
    config,
    log,
    sqs,
    credentials,
    client: new HuaweiVpnClient({
      endpoint: config.vpnEndpoint,
      credentials,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
    }),
    publisher: {
      client: new EventBridgeClient({}),
      eventBusName: config.eventBusName,
      source: config.eventSource,
    },
    idempotency: createIdempotency({
      tableName: config.idempotencyTableName,
      expiresAfterSeconds: config.idempotencyExpirySeconds,
      client: new DynamoDBClient({}),
    }),
  };
};
