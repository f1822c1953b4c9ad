/**
 * The AWS clients a function builds once per container, the options they share, and where an
 * operator command sends its calls. The SQS, SSM and STS clients are in files of their own: each
 * loads its SDK on first use, so a cold start that needs none of them never reads that code.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The SDK options every AWS client of this project is built with. `cacheMiddleware` resolves a
 * command's middleware stack once per command type instead of on every call: the stacks never
 * change after start-up, and resolving them was a tenth of the SDK's CPU time per call.
 */
export const AWS_CLIENT_OPTIONS = { cacheMiddleware: true } as const;

/** The host names of this machine, the only ones plain `http://` and emulator endpoints may use. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True when `url` is on a loopback host; `false` for text that is not a URL. */
const isLoopbackUrl = (url: string): boolean =>
  URL.canParse(url) && LOOPBACK_HOSTS.has(new URL(url).hostname);

/** Dummy static credentials; emulators accept anything, the SDK only needs something to sign. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Where an operator command sends its AWS calls: the SDK's defaults unless named. */
export interface AwsEndpointSettings {
  region?: string | undefined;
  endpoint?: string | undefined;
}

/**
 * The client options for `settings`: the region and endpoint when given, and dummy credentials
 * for an endpoint on a loopback address (emulators check no signature; real AWS is never on a
 * loopback address, so no real credentials are ever sent to one).
 */
export const endpointOptions = ({ region, endpoint }: AwsEndpointSettings) => ({
  ...(region !== undefined ? { region } : {}),
  ...(endpoint !== undefined ? { endpoint } : {}),
  ...(endpoint !== undefined && isLoopbackUrl(endpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
});

/**
 * The DynamoDB client of a function, once per container; the SDK finds region and endpoint
 * unless a command names them.
 */
export const createDynamoDbClient = (settings: AwsEndpointSettings = {}): DynamoDBClient =>
  new DynamoDBClient({ ...AWS_CLIENT_OPTIONS, ...endpointOptions(settings) });

/** The EventBridge client of a function, once per container; as {@link createDynamoDbClient}. */
export const createEventBridgeClient = (settings: AwsEndpointSettings = {}): EventBridgeClient =>
  new EventBridgeClient({ ...AWS_CLIENT_OPTIONS, ...endpointOptions(settings) });

/**
 * A reader of a secret's string value (Secrets Manager's GetSecretValue). The SDK is loaded on
 * the first read: a deployment with its credentials in the environment never loads it.
 */
export const createSecretReader = (): ((secretId: string) => Promise<string | undefined>) => {
  let client: SecretsManagerClient | undefined;
  return async (secretId) => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    client ??= new sdk.SecretsManagerClient(AWS_CLIENT_OPTIONS);
    const output = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    return output.SecretString;
  };
};
