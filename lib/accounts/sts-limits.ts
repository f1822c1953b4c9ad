import type { RawAccount } from './document-schema.ts';
import { STS_REGIONS, type StsRegionCheck } from './sts-regions.ts';

/**
 * The longest session STS v5 `assume` grants a caller whose own credentials are temporary
 * (sent with `X-Security-Token`): the SDK models' `AssumeAgencyReqBody.duration_seconds`.
 */
const MAX_CHAINED_SESSION_SECONDS = 3_600;

/**
 * What the accounts document asks of Huawei STS that STS cannot give, decided when the
 * document is read rather than at the first exchange: an `oidc` or `agency` (`api: sts`)
 * account whose STS region has no known endpoint, and an agency reached through an `oidc`
 * account (always temporary credentials) that asks for more than an hour. `at` is the
 * account's path in the document (`accounts.1.credentials`); `central` is the account `via`
 * names, if any. Each problem names the account and the field.
 */
export const stsLimitProblems = (
  account: RawAccount,
  at: string,
  region: string | undefined,
  central: RawAccount | undefined,
  stsKnown: StsRegionCheck,
): string[] => {
  const c = account.credentials;
  const usesSts = c.source === 'oidc' || (c.source === 'agency' && c.api === 'sts');
  const problems: string[] = [];
  if (usesSts && region !== undefined && !stsKnown(region)) {
    problems.push(
      `${at}.region ${region} (account ${account.name}) has no known Huawei STS endpoint: the official SDKs list ${[...STS_REGIONS].join(', ')}; set HUAWEICLOUD_STS_ENDPOINTS (${region}=https://...) or HUAWEICLOUD_STS_ENDPOINT to the STS endpoint to use, or call STS in a listed region with ${at}.region`,
    );
  }
  if (
    c.source === 'agency' &&
    c.api === 'sts' &&
    central?.credentials.source === 'oidc' &&
    c.duration_seconds > MAX_CHAINED_SESSION_SECONDS
  ) {
    problems.push(
      `${at}.duration_seconds ${c.duration_seconds} (account ${account.name}) is over ${MAX_CHAINED_SESSION_SECONDS}: it assumes its agency with ${central.name}'s temporary credentials, and STS allows at most ${MAX_CHAINED_SESSION_SECONDS} seconds to temporary credentials`,
    );
  }
  return problems;
};
