import * as z from 'zod';
import { IDENTITY_CODES, notTrusted } from './identity-errors.ts';
import type { IdentityState } from './identity-state.ts';
import { checkDuration, type IdentityAnswer, parseBody } from './sts-api.ts';

const securityTokensBodySchema = z.looseObject({
  auth: z.looseObject({
    identity: z.looseObject({
      methods: z
        .array(z.string())
        .check(z.refine((methods) => methods.includes('assume_role'), 'must include assume_role')),
      assume_role: z.looseObject({
        agency_name: z.string().check(z.minLength(1)),
        domain_id: z.optional(z.string()),
        domain_name: z.optional(z.string()),
        duration_seconds: z.optional(z.int()),
      }),
    }),
  }),
});

/**
 * `POST /v3.0/OS-CREDENTIAL/securitytokens` with `assume_role`, signed: temporary credentials
 * for an agency of another account (named by `domain_id` or `domain_name`). Answers 201
 * `{credential:{access,secret,securitytoken,expires_at}}`.
 */
export const createSecurityToken = (
  identity: IdentityState,
  caller: { domainId: string | undefined },
  body: Buffer,
): IdentityAnswer => {
  const parsed = parseBody(body, securityTokensBodySchema, IDENTITY_CODES.iamInvalidRequest);
  if ('error' in parsed) return parsed.error;
  const role = parsed.value.auth.identity.assume_role;
  const account = identity.account({ id: role.domain_id, name: role.domain_name });
  const refuse = (message: string) => {
    identity.refused('securitytokens');
    return notTrusted(message, IDENTITY_CODES.iamNotTrusted);
  };
  if (account === undefined) return refuse('the account named in assume_role does not exist');
  const agency = identity.agency(account.domainId, role.agency_name);
  if (agency === undefined) return refuse(`agency ${role.agency_name} does not exist`);
  if (caller.domainId === undefined || !agency.trustedDomains?.includes(caller.domainId))
    return refuse(`agency ${role.agency_name} does not trust the caller's account`);
  const checked = checkDuration(
    role.duration_seconds,
    agency.maxDurationSeconds ?? 86_400,
    IDENTITY_CODES.iamInvalidRequest,
  );
  if ('error' in checked) return checked.error;
  const issued = identity.issue(account.domainId, checked.seconds, 'securitytokens');
  return {
    status: 201,
    body: {
      credential: {
        access: issued.ak,
        secret: issued.sk,
        securitytoken: issued.securityToken,
        expires_at: new Date(issued.expiresAt).toISOString(),
      },
    },
  };
};

/**
 * `GET /v3/auth/projects`, signed: the projects of the caller's account, each named after its
 * region as Huawei names them (`cn-north-4`).
 */
export const listAuthProjects = (
  identity: IdentityState,
  caller: { domainId: string | undefined },
  baseUrl: string,
): IdentityAnswer => {
  identity.listedProjects();
  const account =
    caller.domainId === undefined ? undefined : identity.account({ id: caller.domainId });
  const projects = Object.entries(account?.projects ?? {}).map(([id, region]) => ({
    id,
    name: region,
    domain_id: account?.domainId,
    parent_id: account?.domainId,
    is_domain: false,
    enabled: true,
    description: '',
    links: { self: `${baseUrl}/v3/projects/${id}` },
  }));
  return { status: 200, body: { projects, links: { self: `${baseUrl}/v3/auth/projects` } } };
};
