import type { STSClient } from '@aws-sdk/client-sts';
import { AccountCredentialsError } from './account-errors.ts';

/** Asks AWS for a web identity token (IAM outbound identity federation) for an audience. */
export type WebIdentityTokenSource = (
  account: string,
  request: { audience: string; durationSeconds: number },
) => Promise<string>;

const awsErrorName = (error: unknown): string =>
  error instanceof Error ? error.name : 'UnknownError';

/**
 * AWS STS `GetWebIdentityToken` (RS256) with the function's own role, through
 * `@aws-sdk/client-sts`, loaded on first use (a deployment without `oidc` accounts never
 * loads it). The SDK honours `AWS_ENDPOINT_URL_STS`. The token is handed on to Huawei as it
 * is: this project never parses it. A refusal names the IAM permission to grant.
 */
export const createWebIdentityTokenSource = (
  clientConfig: { cacheMiddleware?: boolean } = {},
): WebIdentityTokenSource => {
  let client:
    | Promise<{
        sts: STSClient;
        command: typeof import('@aws-sdk/client-sts').GetWebIdentityTokenCommand;
      }>
    | undefined;
  return async (account, request) => {
    client ??= import('@aws-sdk/client-sts').then((sdk) => ({
      sts: new sdk.STSClient(clientConfig),
      command: sdk.GetWebIdentityTokenCommand,
    }));
    const { sts, command } = await client;
    try {
      const output = await sts.send(
        new command({
          Audience: [request.audience],
          SigningAlgorithm: 'RS256',
          DurationSeconds: request.durationSeconds,
        }),
      );
      if (!output.WebIdentityToken) throw new Error('the answer carried no WebIdentityToken');
      return output.WebIdentityToken;
    } catch (error) {
      const status =
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 500;
      throw new AccountCredentialsError(account, 'AWS STS GetWebIdentityToken', {
        status,
        code: awsErrorName(error),
        huaweiMessage: `${error instanceof Error ? error.message : String(error)}; the function's role needs sts:GetWebIdentityToken for audience ${request.audience} (and outbound identity federation enabled in the AWS account)`,
        requestId: (error as { $metadata?: { requestId?: string } }).$metadata?.requestId,
      });
    }
  };
};
