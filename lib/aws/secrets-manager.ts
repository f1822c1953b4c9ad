import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_CLIENT_OPTIONS } from './client-options.ts';

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
