import { ConfigurationError } from '../errors.ts';
import { projectIdSchema, regionSchema } from '../events/index.ts';
import type { CredentialSource, EndpointOverrides } from '../huawei/index.ts';
import * as z from '../zod.ts';

/* The accounts document's JSON schema: field names as operators write them (snake_case). */

/**
 * The accounts document as JSON: a Secrets Manager secret, an SSM parameter, or inline. Built
 * when a document is first read: a deployment with one key never reads one, and building these
 * schemas at import was createMonitor's cold start's largest piece of zod.
 */
const accountsDocumentSchema = z.lazy(() => {
  const name = z
    .string()
    .check(
      z.trim(),
      z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
    );
  const domainId = z
    .string()
    .check(z.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'));
  const agencyName = z
    .string()
    .check(z.regex(/^[^:/\s]{1,64}$/, 'must be an agency name, 1-64 characters'));
  /** `iam::<domain_id>:<kind>:<name>`, an IAM URN. */
  const urn = (kind: 'agency' | 'oidcProvider') =>
    z
      .string()
      .check(
        z.regex(
          new RegExp(`^iam::[0-9a-f]{32}:${kind}:[^:/\\s]{1,64}$`),
          `must be iam::<domain_id>:${kind}:<name>`,
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
    agency_urn: z.optional(urn('agency')),
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
    provider_urn: z.optional(urn('oidcProvider')),
    agency_name: z.optional(agencyName),
    agency_urn: z.optional(urn('agency')),
    /** The Huawei session's length (STS: 900-43200 s). */
    duration_seconds: duration(900, 43_200, 3_600),
    /** The AWS token's lifetime (`GetWebIdentityToken`: 60-3600 s); it is used at once. */
    token_duration_seconds: duration(60, 3_600, 300),
    region: z.optional(regionSchema),
  });

  /** One account as the document writes it. */
  const accountSchema = z.strictObject({
    name,
    domain_id: domainId,
    credentials: z.discriminatedUnion('source', [staticSchema, agencySchema, oidcSchema]),
    projects: z.union([z.literal('discover'), z.array(projectSchema).check(z.minLength(1))]),
  });

  return z.strictObject({
    accounts: z.array(accountSchema).check(z.minLength(1, 'must list at least one account')),
  });
});

/** One account as parsed, before its URNs and region are resolved. */
type RawAccount = z.output<typeof accountsDocumentSchema>['accounts'][number];

/**
 * The regions whose Huawei STS endpoint an official SDK lists. The Python and Node SDKs'
 * tables (`huaweicloudsdksts/v1/region/sts_region.py`, `services/sts/v1/StsRegion.ts`) list the
 * first twelve; the Go SDK's (`services/sts/v1/region/region.go`) adds `cn-north-9` and
 * `cn-south-4`. Every one is `https://sts.{region}.myhuaweicloud.com`. No table lists a
 * European (`eu-west-1xx`) region, so there the host would be a guess.
 */
export const STS_REGIONS: ReadonlySet<string> = new Set([
  'cn-north-4',
  'cn-south-1',
  'cn-east-3',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'sa-brazil-1',
  'la-south-2',
  'af-south-1',
  'tr-west-1',
  'cn-north-9',
  'cn-south-4',
]);

/** Whether an account may call STS in a region: true when its endpoint is known. */
export type StsRegionCheck = (region: string) => boolean;

/**
 * A region's STS endpoint is known when an override names it (`HUAWEICLOUD_STS_ENDPOINT` for
 * every region, `HUAWEICLOUD_STS_ENDPOINTS` for this one) or the SDKs' table lists it. Anything
 * else is refused when the accounts document is read, rather than guessed at run time.
 */
export const stsRegionCheck =
  (overrides: EndpointOverrides = {}): StsRegionCheck =>
  (region) =>
    overrides.all !== undefined ||
    (overrides.byRegion !== undefined && Object.hasOwn(overrides.byRegion, region)) ||
    STS_REGIONS.has(region);

/**
 * The longest session STS v5 `assume` grants a caller whose own credentials are temporary
 * (sent with `X-Security-Token`): the SDK models' `AssumeAgencyReqBody.duration_seconds`.
 */
const MAX_CHAINED_SESSION_SECONDS = 3_600;

/** Where an account's credentials come from, resolved (URNs built, region known). */
type AccountSource =
  | { kind: 'static'; secretId: string }
  | Extract<CredentialSource, { kind: 'environment' }>
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
 * One Huawei account: its name, `domain_id`, credential source and projects. A single-key
 * deployment is one account with no known `domain_id` whose projects are `any`: every
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

/**
 * Parses and checks an accounts document. `where` names it in errors (`secret accounts-doc`);
 * `defaultRegion` is the STS region for accounts that neither name one nor list projects;
 * `stsKnown` says which regions' STS endpoints are known. What STS cannot give is refused here
 * rather than at the first exchange: STS in a region without a known endpoint, and an agency
 * reached through an `oidc` account (always temporary credentials) asking for more than an
 * hour. Throws a {@link ConfigurationError} naming every problem, as `lib/config/` does.
 */
export const parseAccountsDocument = (
  json: unknown,
  where: string,
  defaultRegion: string | undefined,
  stsKnown: StsRegionCheck = stsRegionCheck(),
): AccountsDocument => {
  const parsed = accountsDocumentSchema.safeParse(json);
  if (!parsed.success) throw invalid(where, [z.formatIssues(parsed.error.issues, 'document')]);

  const raw = parsed.data.accounts;
  const problems: string[] = [];
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
    for (const project of account.projects === 'discover' ? [] : account.projects) {
      const owner = owners.get(project.projectId);
      if (owner !== undefined && owner !== account.name)
        problems.push(`${at}.projects project ${project.projectId} belongs to ${owner} too`);
      owners.set(project.projectId, account.name);
    }
  });

  const accounts = raw.flatMap((account, index): AccountSpec[] => {
    const at = `accounts.${index}.credentials`;
    const c = account.credentials;
    const spec = { name: account.name, domainId: account.domain_id, projects: account.projects };
    if (c.source === 'static')
      return [{ ...spec, source: { kind: 'static', secretId: c.secret_id } }];
    const region =
      c.region ??
      (account.projects === 'discover' ? undefined : account.projects[0]?.region) ??
      defaultRegion;
    const agency =
      c.agency_urn ??
      (c.agency_name ? `iam::${account.domain_id}:agency:${c.agency_name}` : undefined);
    if (agency === undefined) problems.push(`${at} needs agency_name or agency_urn`);
    const central =
      c.source === 'agency' && typeof c.via === 'string' ? names.get(c.via) : undefined;
    if (c.source === 'oidc' || c.api === 'sts') {
      if (region !== undefined && !stsKnown(region))
        problems.push(
          `${at}.region ${region} (account ${account.name}) has no known Huawei STS endpoint: the official SDKs list ${[...STS_REGIONS].join(', ')}; set HUAWEICLOUD_STS_ENDPOINTS (${region}=https://...) or HUAWEICLOUD_STS_ENDPOINT to the STS endpoint to use, or call STS in a listed region with ${at}.region`,
        );
      if (
        c.source === 'agency' &&
        central?.credentials.source === 'oidc' &&
        c.duration_seconds > MAX_CHAINED_SESSION_SECONDS
      )
        problems.push(
          `${at}.duration_seconds ${c.duration_seconds} (account ${account.name}) is over ${MAX_CHAINED_SESSION_SECONDS}: it assumes its agency with ${central.name}'s temporary credentials, and STS allows at most ${MAX_CHAINED_SESSION_SECONDS} seconds to temporary credentials`,
        );
    }
    if (region === undefined)
      problems.push(
        `${at}.region is required: the account lists no projects to take the STS region from, and HUAWEICLOUD_REGION is not set`,
      );
    if (c.source === 'agency') {
      if (typeof c.via === 'string' && central === undefined)
        problems.push(`${at}.via names no account: ${c.via}`);
      else if (central?.credentials.source === 'agency')
        problems.push(`${at}.via ${c.via} must be a static or oidc account, not another agency`);
      if (agency === undefined || region === undefined) return [];
      const source = {
        kind: 'agency',
        via: typeof c.via === 'string' ? { account: c.via } : { secretId: c.via.secret_id },
        api: c.api,
        agencyName: agency.slice(agency.lastIndexOf(':') + 1),
        agencyUrn: agency,
        durationSeconds: c.duration_seconds,
        region,
      } as const;
      return [{ ...spec, source }];
    }
    const provider =
      c.provider_urn ??
      (c.provider_name ? `iam::${account.domain_id}:oidcProvider:${c.provider_name}` : undefined);
    if (provider === undefined) problems.push(`${at} needs provider_name or provider_urn`);
    if (agency === undefined || region === undefined || provider === undefined) return [];
    const source = {
      kind: 'oidc',
      audience: c.audience,
      providerUrn: provider,
      agencyUrn: agency,
      durationSeconds: c.duration_seconds,
      tokenDurationSeconds: c.token_duration_seconds,
      region,
    } as const;
    return [{ ...spec, source }];
  });
  if (problems.length > 0) throw invalid(where, problems);
  return { accounts };
};

const invalid = (where: string, problems: readonly string[]): ConfigurationError =>
  new ConfigurationError(`Invalid accounts document (${where}): ${problems.join('; ')}`);

/**
 * Where the accounts document is: inline JSON (local runs), a Secrets Manager secret, an SSM
 * parameter, or nowhere: a single key (`HUAWEICLOUD_SDK_AK` or
 * `HUAWEICLOUD_CREDENTIALS_SECRET_ID`) as a one-account document.
 */
export type AccountsDocumentSource =
  | { kind: 'inline'; text: string }
  | { kind: 'secret'; secretId: string }
  | { kind: 'parameter'; name: string }
  | { kind: 'single-key'; credentials: CredentialSource };

/** Reads a text value by name (Secrets Manager's GetSecretValue, SSM's GetParameter). */
export type TextReader = (name: string) => Promise<string | undefined>;

/** Names the document's source in errors and logs; never its content. */
export const describeDocumentSource = (source: AccountsDocumentSource): string => {
  switch (source.kind) {
    case 'inline':
      return 'ACCOUNTS_DOCUMENT';
    case 'secret':
      return `secret ${source.secretId}`;
    case 'parameter':
      return `SSM parameter ${source.name}`;
    default:
      return source.credentials.kind === 'environment'
        ? 'HUAWEICLOUD_SDK_AK'
        : `secret ${source.credentials.secretId}`;
  }
};

/**
 * Loads and validates the accounts document. A single key becomes one account (`default`)
 * that serves every project. Throws a {@link ConfigurationError} that names the
 * source and every problem, never the document's content.
 */
export const loadAccountsDocument = async (
  source: AccountsDocumentSource,
  readers: { readSecret: TextReader; readParameter: TextReader },
  defaultRegion: string | undefined,
  stsKnown?: StsRegionCheck,
): Promise<AccountsDocument> => {
  if (source.kind === 'single-key') {
    const c = source.credentials;
    const key =
      c.kind === 'environment' ? { ...c } : ({ kind: 'static', secretId: c.secretId } as const);
    return { accounts: [{ name: 'default', domainId: undefined, source: key, projects: 'any' }] };
  }
  const text =
    source.kind === 'inline'
      ? source.text
      : source.kind === 'secret'
        ? await readers.readSecret(source.secretId)
        : await readers.readParameter(source.name);
  return parseDocumentText(text, describeDocumentSource(source), defaultRegion, stsKnown);
};

/**
 * Parses the document's text (JSON) and validates it; synchronous, so `lib/config/` checks
 * an inline `ACCOUNTS_DOCUMENT` at cold start. Throws a {@link ConfigurationError} naming
 * `where` and every problem, never the text.
 */
export const parseDocumentText = (
  text: string | undefined,
  where: string,
  defaultRegion: string | undefined,
  stsKnown?: StsRegionCheck,
): AccountsDocument => {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new ConfigurationError(
      `Invalid accounts document (${where}): it is not JSON; put {"accounts":[...]} there (README: accounts document)`,
    );
  }
  return parseAccountsDocument(json, where, defaultRegion, stsKnown);
};
