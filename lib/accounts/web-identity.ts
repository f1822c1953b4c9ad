import { AccountCredentialsError } from '../huawei/index.ts';

/** Asks AWS for a web identity token (IAM outbound identity federation) for an audience. */
export type WebIdentityTokenSource = (
  account: string,
  request: { audience: string; durationSeconds: number },
) => Promise<string>;

/**
 * Web identity tokens for the accounts' OIDC exchanges, from `request` (AWS STS
 * `GetWebIdentityToken`, `lib/aws/sts.ts`). A refusal becomes an
 * {@link AccountCredentialsError} naming the account and the IAM permission to grant.
 */
export const createWebIdentityTokenSource =
  (
    request: (input: { audience: string; durationSeconds: number }) => Promise<string>,
  ): WebIdentityTokenSource =>
  async (account, input) => {
    try {
      return await request(input);
    } catch (error) {
      const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } })
        .$metadata;
      throw new AccountCredentialsError(account, 'AWS STS GetWebIdentityToken', {
        status: metadata?.httpStatusCode ?? 500,
        code: error instanceof Error ? error.name : 'UnknownError',
        huaweiMessage: `${error instanceof Error ? error.message : String(error)}; the function's role needs sts:GetWebIdentityToken for audience ${input.audience} (and outbound identity federation enabled in the AWS account)`,
        requestId: metadata?.requestId,
      });
    }
  };
