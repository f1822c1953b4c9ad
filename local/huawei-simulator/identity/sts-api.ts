import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { ApiError } from '../errors.ts';
import { invalidRequest, invalidToken, notTrusted } from './identity-errors.ts';
import type { IdentityState, IssuedCredentials } from './identity-state.ts';
import type { OidcVerifier } from './oidc-verifier.ts';

/** What an identity call answers: a status and JSON body, or an error. */
export type IdentityAnswer = { status: number; body: Record<string, unknown> } | ApiError;

const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 43_200;
/** Sessions assumed with temporary credentials last at most an hour (the SDK models say so). */
const MAX_CHAINED_DURATION_SECONDS = 3_600;

const AGENCY_URN = /^iam::([0-9a-f]{32}):agency:([^:/]{1,64})$/;
const PROVIDER_URN = /^iam::([0-9a-f]{32}):oidcProvider:([^:/]{1,64})$/;

const sessionName = z.string().check(z.minLength(2), z.maxLength(128));
const duration = z.optional(z.int());

const assumeBodySchema = z.looseObject({
  agency_urn: z.string(),
  agency_session_name: sessionName,
  duration_seconds: duration,
});

const assumeWithOidcBodySchema = z.looseObject({
  provider_urn: z.string(),
  agency_urn: z.string(),
  agency_session_name: sessionName,
  id_token: z.string().check(z.minLength(4), z.maxLength(20_000)),
  duration_seconds: duration,
});

/** Parses a JSON body against a schema; the first issue becomes a 400. */
export const parseBody = <T>(
  body: Buffer,
  schema: z.ZodType<T>,
  code?: string,
): { value: T } | { error: ApiError } => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { error: invalidRequest('the body is not valid JSON', code) };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    error: invalidRequest(
      `${issue?.path.map(String).join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      code,
    ),
  };
};

/** Checks a requested duration against Huawei's range and the agency's maximum. */
export const checkDuration = (
  requested: number | undefined,
  max: number,
  code?: string,
): { seconds: number } | { error: ApiError } => {
  const seconds = requested ?? 3_600;
  if (seconds < MIN_DURATION_SECONDS || seconds > Math.min(max, MAX_DURATION_SECONDS)) {
    return {
      error: invalidRequest(
        `duration_seconds ${seconds} is outside [${MIN_DURATION_SECONDS}, ${Math.min(max, MAX_DURATION_SECONDS)}]`,
        code,
      ),
    };
  }
  return { seconds };
};

/**
 * STS v5's answer, in the SDK models' fields (`AssumeAgencyResponse`: `credentials` as
 * `CredentialsDto`, `assumed_agency` as `AssumedAgencyDto` `{urn, id}`, the id holding the
 * agency's id and the session name). The URN's and id's exact text is not documented: these
 * follow the `sts::{domain_id}:assumed-agency:{agency}/{session}` form CTS shows for sessions.
 */
const credentialsBody = (
  issued: IssuedCredentials,
  agency: { domainId: string; name: string },
  session: string,
) => {
  const agencyId = createHash('sha256')
    .update(`${agency.domainId}/${agency.name}`)
    .digest('hex')
    .slice(0, 32);
  return {
    credentials: {
      access_key_id: issued.ak,
      secret_access_key: issued.sk,
      security_token: issued.securityToken,
      expiration: new Date(issued.expiresAt).toISOString(),
    },
    assumed_agency: {
      urn: `sts::${agency.domainId}:assumed-agency:${agency.name}/${session}`,
      id: `${agencyId}:${session}`,
    },
  };
};

/**
 * `POST /v5/agencies/assume`, signed: the caller's account must be trusted by the agency.
 * `caller` is the caller's account and whether its key was itself temporary.
 */
export const assumeAgency = (
  identity: IdentityState,
  caller: { domainId: string | undefined; temporary: boolean },
  body: Buffer,
): IdentityAnswer => {
  const parsed = parseBody(body, assumeBodySchema);
  if ('error' in parsed) return parsed.error;
  const { agency_urn, agency_session_name, duration_seconds } = parsed.value;
  const urn = AGENCY_URN.exec(agency_urn);
  if (urn?.[1] === undefined || urn[2] === undefined)
    return invalidRequest(`agency_urn ${agency_urn} is not iam::{domain_id}:agency:{name}`);
  const agency = identity.agency(urn[1], urn[2]);
  if (agency === undefined) {
    identity.refused('assume');
    return notTrusted(`agency ${agency_urn} does not exist`);
  }
  if (caller.domainId === undefined || !agency.trustedDomains?.includes(caller.domainId)) {
    identity.refused('assume');
    return notTrusted(`agency ${agency_urn} does not trust the caller's account`);
  }
  const max = caller.temporary
    ? MAX_CHAINED_DURATION_SECONDS
    : (agency.maxDurationSeconds ?? MAX_DURATION_SECONDS);
  const checked = checkDuration(duration_seconds, max);
  if ('error' in checked) return checked.error;
  const issued = identity.issue(urn[1], checked.seconds, 'assume');
  return {
    status: 200,
    body: credentialsBody(issued, { domainId: urn[1], name: urn[2] }, agency_session_name),
  };
};

/**
 * `POST /v5/agencies/assume-with-oidc`, unsigned: the id token must verify against the
 * provider (signature, `iss`, `aud`, expiry) and its `sub` (for an AWS token, the role ARN) must
 * be one the agency trusts; no other claim decides the trust. The answer adds what the SDK's
 * `AssumeAgencyWithOIDCResponse` reads: `audience`, `provider` and `subject_from_id_token`.
 */
export const assumeAgencyWithOidc = async (
  identity: IdentityState,
  oidc: OidcVerifier,
  body: Buffer,
): Promise<IdentityAnswer> => {
  const parsed = parseBody(body, assumeWithOidcBodySchema);
  if ('error' in parsed) return parsed.error;
  const request = parsed.value;
  const agencyUrn = AGENCY_URN.exec(request.agency_urn);
  const providerUrn = PROVIDER_URN.exec(request.provider_urn);
  if (agencyUrn?.[1] === undefined || agencyUrn[2] === undefined)
    return invalidRequest(`agency_urn ${request.agency_urn} is not iam::{domain_id}:agency:{name}`);
  if (providerUrn?.[1] === undefined || providerUrn[2] === undefined)
    return invalidRequest(
      `provider_urn ${request.provider_urn} is not iam::{domain_id}:oidcProvider:{name}`,
    );
  const refuse = (error: ApiError): ApiError => {
    identity.refused('assume-with-oidc');
    return error;
  };
  const domainId = agencyUrn[1];
  const provider = identity
    .account({ id: providerUrn[1] })
    ?.oidcProviders?.find((p) => p.name === providerUrn[2]);
  if (provider === undefined || providerUrn[1] !== domainId)
    return refuse(
      notTrusted(`OIDC provider ${request.provider_urn} does not exist in the agency's account`),
    );
  const agency = identity.agency(domainId, agencyUrn[2]);
  if (agency === undefined)
    return refuse(notTrusted(`agency ${request.agency_urn} does not exist`));
  if (agency.oidc?.provider !== provider.name)
    return refuse(
      notTrusted(`agency ${request.agency_urn} does not trust provider ${provider.name}`),
    );
  const verdict = await oidc.verify(request.id_token, provider);
  if (!verdict.ok) return refuse(invalidToken(verdict.reason));
  const subject = String(verdict.claims.sub);
  if (!agency.oidc.subjects.includes(subject))
    return refuse(
      notTrusted(
        `agency ${request.agency_urn} does not trust the token's subject (oidc:sub ${subject})`,
      ),
    );
  const checked = checkDuration(
    request.duration_seconds,
    agency.maxDurationSeconds ?? MAX_DURATION_SECONDS,
  );
  if ('error' in checked) return checked.error;
  const issued = identity.issue(domainId, checked.seconds, 'assume-with-oidc');
  const audiences = [verdict.claims.aud ?? []].flat();
  return {
    status: 200,
    body: {
      ...credentialsBody(issued, { domainId, name: agencyUrn[2] }, request.agency_session_name),
      audience: audiences.find((a) => provider.clientIds.includes(a)) ?? audiences[0],
      provider: request.provider_urn,
      subject_from_id_token: subject,
    },
  };
};
