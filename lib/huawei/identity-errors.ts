import { HuaweiApiError, type HuaweiErrorDetails } from '../errors.ts';

/**
 * Huawei STS or IAM refused to hand out an account's credentials (an agency that does not trust
 * the caller, a web identity token it does not accept) or answered with an error. It is a
 * {@link HuaweiApiError}, so the retry policy treats a 401/403 as refused credentials: that
 * account's calls stop, the others carry on. The message names the account and what to fix.
 */
export class AccountCredentialsError extends HuaweiApiError {
  public override name = 'AccountCredentialsError';
  public readonly account: string;

  public constructor(account: string, what: string, details: HuaweiErrorDetails) {
    super(what, details);
    this.account = account;
    this.message =
      `Account ${account}: Huawei ${what} failed with HTTP ${details.status}` +
      `${details.code ? ` ${details.code}` : ''}` +
      `${details.huaweiMessage ? `: ${details.huaweiMessage}` : ''}` +
      `${details.requestId ? ` (request id ${details.requestId})` : ''}` +
      `${details.status === 401 || details.status === 403 ? '; check the agency, its trust policy and the OIDC provider in that account (README: keyless setup)' : ''}`;
  }
}
