import { ConfigurationError } from '../errors.ts';
import { accountsDocumentSchema, type RawAccount } from './document-schema.ts';
import { stsLimitProblems } from './sts-limits.ts';
import { type StsRegionCheck, stsRegionCheck } from './sts-regions.ts';

/** Where an account's credentials come from, resolved (URNs built, region known). */
type AccountSource =
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

const lastSegment = (urn: string): string => urn.slice(urn.lastIndexOf(':') + 1);

/**
 * Parses and checks an accounts document. `where` names it in errors (`secret accounts-doc`);
 * `defaultRegion` is the STS region for accounts that neither name one nor list projects;
 * `stsKnown` says which regions' STS endpoints are known (the SDKs' table, else an override).
 * Throws a {@link ConfigurationError} naming every problem, as `lib/config.ts` does.
 */
export const parseAccountsDocument = (
  json: unknown,
  where: string,
  defaultRegion: string | undefined,
  stsKnown: StsRegionCheck = stsRegionCheck(),
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
    const central = 'via' in c && typeof c.via === 'string' ? names.get(c.via) : undefined;
    problems.push(...stsLimitProblems(account, at, region, central, stsKnown));
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
