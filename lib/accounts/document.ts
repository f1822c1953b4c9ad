import { ConfigurationError } from '../errors.ts';
import { projectIdSchema, regionSchema } from '../events/ids.ts';
import * as z from '../zod.ts';

const name = z
  .string()
  .check(
    z.trim(),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  );
const domainId = z.string().check(z.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'));
const agencyName = z
  .string()
  .check(z.regex(/^[^:/\s]{1,64}$/, 'must be an agency name, 1-64 characters'));
const agencyUrn = z
  .string()
  .check(
    z.regex(/^iam::[0-9a-f]{32}:agency:[^:/\s]{1,64}$/, 'must be iam::<domain_id>:agency:<name>'),
  );
const providerUrn = z
  .string()
  .check(
    z.regex(
      /^iam::[0-9a-f]{32}:oidcProvider:[^:/\s]{1,64}$/,
      'must be iam::<domain_id>:oidcProvider:<name>',
    ),
  );
const duration = (min: number, max: number, fallback: number) =>
  z._default(z.int().check(z.minimum(min), z.maximum(max)), fallback);

/** `"<project_id>:<region>"`, the way the document names a project. */
const projectTextSchema = z.pipe(
  z.string().check(z.regex(/^[^:]+:[^:]+$/, 'must be "<project_id>:<region>"')),
  z.transform((text: string) => {
    const [projectId = '', region = ''] = text.split(':');
    return { projectId, region };
  }),
);
const projectSchema = z.pipe(
  projectTextSchema,
  z.object({ projectId: projectIdSchema, region: regionSchema }),
);

const staticSchema = z.strictObject({
  source: z.literal('static'),
  /** A Secrets Manager secret holding `{"ak","sk","security_token"?}`. */
  secret_id: z.string().check(z.minLength(1)),
});

const agencySchema = z.strictObject({
  source: z.literal('agency'),
  /** The central credential: another account's name, or a secret of its own. */
  via: z.union([name, z.strictObject({ secret_id: z.string().check(z.minLength(1)) })]),
  agency_name: z.optional(agencyName),
  agency_urn: z.optional(agencyUrn),
  /** STS v5 `assume` (default), or IAM `securitytokens` where STS v5 is not offered. */
  api: z._default(z.enum(['sts', 'iam']), 'sts'),
  duration_seconds: duration(900, 86_400, 3_600),
  region: z.optional(regionSchema),
});

const oidcSchema = z.strictObject({
  source: z.literal('oidc'),
  /** The audience of the AWS web identity token: a client id of the Huawei OIDC provider. */
  audience: z.string().check(z.minLength(1)),
  provider_name: z.optional(agencyName),
  provider_urn: z.optional(providerUrn),
  agency_name: z.optional(agencyName),
  agency_urn: z.optional(agencyUrn),
  /** The Huawei session's length (STS: 900-43200 s). */
  duration_seconds: duration(900, 43_200, 3_600),
  /** The AWS token's lifetime (`GetWebIdentityToken`: 60-3600 s); it is used at once. */
  token_duration_seconds: duration(60, 3_600, 300),
  region: z.optional(regionSchema),
});

const accountSchema = z.strictObject({
  name,
  domain_id: domainId,
  credentials: z.discriminatedUnion('source', [staticSchema, agencySchema, oidcSchema]),
  projects: z.union([z.literal('discover'), z.array(projectSchema).check(z.minLength(1))]),
});

/** The accounts document as JSON: a Secrets Manager secret, an SSM parameter, or inline. */
export const accountsDocumentSchema = z.strictObject({
  accounts: z.array(accountSchema).check(z.minLength(1, 'must list at least one account')),
});

/** Where an account's credentials come from, resolved (URNs built, region known). */
export type AccountSource =
  | { kind: 'static'; secretId: string }
  | { kind: 'environment'; ak: string; sk: string; securityToken: string | undefined }
  | {
      kind: 'agency';
      via: { account: string } | { secretId: string };
      api: 'sts' | 'iam';
      agencyName: string;
      agencyUrn: string;
      durationSeconds: number;
      region: string;
    }
  | {
      kind: 'oidc';
      audience: string;
      providerUrn: string;
      agencyUrn: string;
      durationSeconds: number;
      tokenDurationSeconds: number;
      region: string;
    };

/**
 * One Huawei account: its name, `domain_id`, credential source and projects. The single-key
 * setup of old becomes one account with no known `domain_id` whose projects are `any`: every
 * project the key reaches.
 */
export interface AccountSpec {
  name: string;
  domainId: string | undefined;
  source: AccountSource;
  projects: { projectId: string; region: string }[] | 'discover' | 'any';
}

/** The validated accounts document. */
export interface AccountsDocument {
  accounts: AccountSpec[];
}

type RawAccount = z.output<typeof accountSchema>;

const lastSegment = (urn: string): string => urn.slice(urn.lastIndexOf(':') + 1);

/**
 * Parses and checks an accounts document. `where` names it in errors (`secret accounts-doc`);
 * `defaultRegion` is the STS region for accounts that neither name one nor list projects.
 * Throws a {@link ConfigurationError} naming every problem, as `lib/config.ts` does.
 */
export const parseAccountsDocument = (
  json: unknown,
  where: string,
  defaultRegion: string | undefined,
): AccountsDocument => {
  const parsed = accountsDocumentSchema.safeParse(json);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'document'} ${issue.message}`);
  if (!parsed.success) throw invalid(where, problems);

  const raw = parsed.data.accounts;
  const names = new Map<string, RawAccount>();
  const domains = new Set<string>();
  const owners = new Map<string, string>();
  raw.forEach((account, index) => {
    const at = `accounts.${index}`;
    if (names.has(account.name)) problems.push(`${at}.name ${account.name} is used twice`);
    names.set(account.name, account);
    if (domains.has(account.domain_id))
      problems.push(`${at}.domain_id ${account.domain_id} is listed twice`);
    domains.add(account.domain_id);
    if (account.projects !== 'discover') {
      for (const project of account.projects) {
        const owner = owners.get(project.projectId);
        if (owner !== undefined && owner !== account.name)
          problems.push(`${at}.projects project ${project.projectId} belongs to ${owner} too`);
        owners.set(project.projectId, account.name);
      }
    }
  });

  const accounts = raw.map((account, index): AccountSpec | undefined => {
    const at = `accounts.${index}.credentials`;
    const c = account.credentials;
    const region =
      ('region' in c ? c.region : undefined) ??
      (account.projects === 'discover' ? undefined : account.projects[0]?.region) ??
      defaultRegion;
    const projects = account.projects;
    if (c.source === 'static') {
      return {
        name: account.name,
        domainId: account.domain_id,
        source: { kind: 'static', secretId: c.secret_id },
        projects,
      };
    }
    const agency =
      c.agency_urn ??
      (c.agency_name ? `iam::${account.domain_id}:agency:${c.agency_name}` : undefined);
    if (agency === undefined) problems.push(`${at} needs agency_name or agency_urn`);
    if (region === undefined)
      problems.push(
        `${at}.region is required: the account lists no projects to take the STS region from, and HUAWEICLOUD_REGION is not set`,
      );
    if (c.source === 'agency') {
      if (typeof c.via === 'string') {
        const central = names.get(c.via);
        if (central === undefined) problems.push(`${at}.via names no account: ${c.via}`);
        else if (central.credentials.source === 'agency')
          problems.push(`${at}.via ${c.via} must be a static or oidc account, not another agency`);
      }
      if (agency === undefined || region === undefined) return undefined;
      return {
        name: account.name,
        domainId: account.domain_id,
        source: {
          kind: 'agency',
          via: typeof c.via === 'string' ? { account: c.via } : { secretId: c.via.secret_id },
          api: c.api,
          agencyName: lastSegment(agency),
          agencyUrn: agency,
          durationSeconds: c.duration_seconds,
          region,
        },
        projects,
      };
    }
    const provider =
      c.provider_urn ??
      (c.provider_name ? `iam::${account.domain_id}:oidcProvider:${c.provider_name}` : undefined);
    if (provider === undefined) problems.push(`${at} needs provider_name or provider_urn`);
    if (agency === undefined || region === undefined || provider === undefined) return undefined;
    return {
      name: account.name,
      domainId: account.domain_id,
      source: {
        kind: 'oidc',
        audience: c.audience,
        providerUrn: provider,
        agencyUrn: agency,
        durationSeconds: c.duration_seconds,
        tokenDurationSeconds: c.token_duration_seconds,
        region,
      },
      projects,
    };
  });
  if (problems.length > 0) throw invalid(where, problems);
  return { accounts: accounts.filter((a): a is AccountSpec => a !== undefined) };
};

const invalid = (where: string, problems: readonly string[]): ConfigurationError =>
  new ConfigurationError(`Invalid accounts document (${where}): ${problems.join('; ')}`);
