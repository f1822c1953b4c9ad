import type { SSMClient } from '@aws-sdk/client-ssm';
import { AWS_CLIENT_OPTIONS } from './clients.ts';

/**
 * A reader of an SSM parameter's value, decrypted (a SecureString under the default `aws/ssm`
 * key). The SDK is loaded on the first read: a deployment without an accounts document in SSM
 * never loads it.
 */
export const createParameterReader = (): ((name: string) => Promise<string | undefined>) => {
  let client: SSMClient | undefined;
  return async (name) => {
    const sdk = await import('@aws-sdk/client-ssm');
    client ??= new sdk.SSMClient(AWS_CLIENT_OPTIONS);
    const output = await client.send(
      new sdk.GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return output.Parameter?.Value;
  };
};
