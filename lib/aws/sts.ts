import type { STSClient } from '@aws-sdk/client-sts';
import { AWS_CLIENT_OPTIONS } from './clients.ts';

/**
 * AWS STS `GetWebIdentityToken` (IAM outbound identity federation, RS256) with the function's
 * own role; `@aws-sdk/client-sts` honours `AWS_ENDPOINT_URL_STS`. The SDK is loaded on the
 * first call: a deployment without keyless accounts never loads it. Rejects with the SDK's
 * error (`AccessDenied`...); resolves with the token, which this project never parses.
 */
export const createWebIdentityTokenRequester = () => {
  let client: STSClient | undefined;
  return async (request: { audience: string; durationSeconds: number }): Promise<string> => {
    const sdk = await import('@aws-sdk/client-sts');
    client ??= new sdk.STSClient(AWS_CLIENT_OPTIONS);
    const output = await client.send(
      new sdk.GetWebIdentityTokenCommand({
        Audience: [request.audience],
        SigningAlgorithm: 'RS256',
        DurationSeconds: request.durationSeconds,
      }),
    );
    if (!output.WebIdentityToken) throw new Error('the answer carried no WebIdentityToken');
    return output.WebIdentityToken;
  };
};
