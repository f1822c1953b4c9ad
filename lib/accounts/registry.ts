import {
  createParameterReader,
  createSecretReader,
  createWebIdentityTokenRequester,
} from '../aws/index.ts';
import { ProvisionerError } from '../errors.ts';
import {
  AccountCredentialsError,
  AdaptivePacer,
  type CachedCredentials,
  type CredentialsProvider,
  cachedCredentials,
  createCredentialsProvider,
  createLazyIdentityClient,
  credentialsIdentity,
  DEFAULT_PACER_SETTINGS,
  type HuaweiIdentityClient,
  HuaweiVpnClient,
  type IdentityEndpoints,
  type SecretReader,
  type TemporaryCredentials,
  type VpnTarget,
} from '../huawei/index.ts';
import {
  type AccountSpec,
  type AccountsDocument,
  type AccountsDocumentSource,
  describeDocumentSource,
  loadAccountsDocument,
} from './document.ts';

/**
 * Web identity tokens for the accounts' OIDC exchanges (IAM outbound identity federation),
 * from `request` (AWS STS `GetWebIdentityToken`, `lib/aws/sts.ts`). A refusal becomes an
 * {@link AccountCredentialsError} naming the account and the IAM permission to grant.
 */
export const createWebIdentityTokenSource =
  (request: (input: { audience: string; durationSeconds: number }) => Promise<string>) =>
  async (account: string, input: { audience: string; durationSeconds: number }) => {
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

/** An account's credentials, with a non-secret identity of the key in use. */
export interface AccountCredentialsProvider extends CredentialsProvider {
  /**
   * `<account>:` and 16 hex characters of {@link credentialsIdentity}, never the key itself, for
   * logs; `undefined` before the first `get()`.
   */
  identity(): string | undefined;
}

/** What providers are built with. */
export interface ProviderTools {
  readSecret: SecretReader;
  identity: HuaweiIdentityClient;
  webIdentity: ReturnType<typeof createWebIdentityTokenSource>;
  /** Epoch milliseconds; tests pass a clock. */
  now?: () => number;
}

/** The Huawei session name of this project's agency sessions (2-128 characters). */
export const SESSION_NAME = 'vpn-monitor-provisioner';

/** Temporary credentials are renewed this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Builds the credentials provider of each account of a document. `static` reads its secret
 * (cached until refused); `agency` assumes the agency with the central credential (another
 * account's, or its own secret), through STS v5 or IAM; `oidc` exchanges an AWS web identity
 * token at Huawei STS. Temporary credentials are renewed before they expire and at once after
 * a refusal; an agency refused because its central key was refused refreshes that key too.
 */
export const createAccountProviders = (
  accounts: readonly AccountSpec[],
  tools: ProviderTools,
): Map<string, AccountCredentialsProvider> => {
  const providers = new Map<string, AccountCredentialsProvider>();
  const temporary = (fetch: () => Promise<TemporaryCredentials>) =>
    cachedCredentials(fetch, { now: tools.now, marginMs: REFRESH_BEFORE_MS });
  const build = (spec: AccountSpec): AccountCredentialsProvider => {
    const found = providers.get(spec.name);
    if (found) return found;
    const source = spec.source;
    const secret = (secretId: string) =>
      createCredentialsProvider({ kind: 'secrets-manager', secretId }, tools.readSecret);
    let base: CachedCredentials;
    if (source.kind === 'static') {
      base = secret(source.secretId);
    } else if (source.kind === 'environment') {
      base = createCredentialsProvider(source, tools.readSecret);
    } else if (source.kind === 'agency') {
      const via = source.via;
      const centralSpec =
        'account' in via ? accounts.find((a) => a.name === via.account) : undefined;
      const central = centralSpec
        ? build(centralSpec)
        : secret('secretId' in via ? via.secretId : '');
      base = temporary(async () => {
        const key = await central.get();
        try {
          return source.api === 'iam'
            ? await tools.identity.securityTokens(spec.name, source.region, key, {
                domainId: spec.domainId,
                agencyName: source.agencyName,
                durationSeconds: source.durationSeconds,
              })
            : await tools.identity.assumeAgency(spec.name, source.region, key, {
                agencyUrn: source.agencyUrn,
                sessionName: SESSION_NAME,
                durationSeconds: source.durationSeconds,
              });
        } catch (error) {
          // The central key itself may be what Huawei refused: read it again next time.
          if ((error as { status?: number }).status === 401) central.refresh();
          throw error;
        }
      });
    } else {
      base = temporary(async () => {
        const idToken = await tools.webIdentity(spec.name, {
          audience: source.audience,
          durationSeconds: source.tokenDurationSeconds,
        });
        return tools.identity.assumeAgencyWithOidc(spec.name, source.region, {
          providerUrn: source.providerUrn,
          agencyUrn: source.agencyUrn,
          sessionName: SESSION_NAME,
          idToken,
          durationSeconds: source.durationSeconds,
        });
      });
    }
    const provider: AccountCredentialsProvider = {
      get: base.get,
      refresh: base.refresh,
      identity: () => {
        const credentials = base.last();
        return credentials && `${spec.name}:${credentialsIdentity(credentials).slice(0, 16)}`;
      },
    };
    providers.set(spec.name, provider);
    return provider;
  };

  for (const spec of accounts) build(spec);
  return providers;
};

/** A message names a project that no account in the accounts document owns. */
export class UnknownProjectError extends ProvisionerError {
  public override name = 'UnknownProjectError';
  public readonly projectId: string;

  public constructor(projectId: string, message: string) {
    super(message);
    this.projectId = projectId;
  }
}

/** One account, ready to use: its document entry and its credentials. */
export interface AccountAccess {
  spec: AccountSpec;
  credentials: AccountCredentialsProvider;
}

/** How the registry is built: the document's loader (and where it is), and the tools. */
export interface RegistryOptions extends ProviderTools {
  loadDocument: () => Promise<AccountsDocument>;
  /** Names the document in errors: `secret vpn-accounts`, `HUAWEICLOUD_SDK_AK`... */
  where: string;
}

/** A discovered project list is listed again after this long. */
const DISCOVERY_TTL_MS = 10 * 60_000;
/** A project nobody owns triggers a new listing of discovered accounts at most this often. */
const REDISCOVER_AFTER_MS = 60_000;

/**
 * The accounts of a deployment. Loads the accounts document once per container (again after a
 * failure), builds each account's credentials, lists the projects of `discover` accounts with
 * IAM (cached), and routes a project to the account that owns it.
 */
export const createAccountRegistry = (options: RegistryOptions) => {
  const now = options.now ?? Date.now;
  let loaded: Promise<Map<string, AccountAccess>> | undefined;
  const owners = new Map<string, AccountAccess>();
  let anyProject: AccountAccess | undefined;
  const discovered = new Map<string, { at: number; projects: Promise<VpnTarget[]> }>();

  const load = (): Promise<Map<string, AccountAccess>> => {
    loaded ??= options
      .loadDocument()
      .then((document) => {
        const providers = createAccountProviders(document.accounts, options);
        const accounts = new Map<string, AccountAccess>();
        for (const spec of document.accounts) {
          const credentials = providers.get(spec.name);
          if (credentials === undefined) continue;
          const access = { spec, credentials };
          accounts.set(spec.name, access);
          if (Array.isArray(spec.projects))
            for (const project of spec.projects) owners.set(project.projectId, access);
        }
        anyProject = [...accounts.values()].find((a) => a.spec.projects === 'any');
        return accounts;
      })
      .catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
    return loaded;
  };

  const projectsOf = async (
    access: AccountAccess,
    maxAgeMs = DISCOVERY_TTL_MS,
  ): Promise<VpnTarget[]> => {
    const spec = access.spec;
    if (spec.projects === 'any') return [];
    if (spec.projects !== 'discover') return spec.projects;
    const cached = discovered.get(spec.name);
    if (cached && now() - cached.at < maxAgeMs) return cached.projects;
    const region = 'region' in spec.source ? spec.source.region : undefined;
    const entry = {
      at: now(),
      projects: access.credentials
        .get()
        .then((credentials) => options.identity.listProjects(spec.name, region, credentials))
        .then((projects) => {
          for (const project of projects) owners.set(project.projectId, access);
          return projects;
        }),
    };
    discovered.set(spec.name, entry);
    entry.projects.catch(() => {
      if (discovered.get(spec.name) === entry) discovered.delete(spec.name);
    });
    return entry.projects;
  };

  const registry = {
    /** Every account of the document, in its order. */
    accounts: async (): Promise<AccountAccess[]> => [...(await load()).values()],

    /** The account of this name; `undefined` when the document has none. */
    account: async (name: string): Promise<AccountAccess | undefined> => (await load()).get(name),

    /** The projects (and regions) of an account: listed, or discovered with IAM. */
    projects: (access: AccountAccess): Promise<VpnTarget[]> => projectsOf(access),

    /**
     * The account that owns a project. With `domainId` (a trace's account), that account must be
     * the owner. Throws {@link UnknownProjectError} when no account owns it, or another does, or
     * when the project is only the deployment's default and there are several accounts.
     */
    async route(target: {
      projectId: string;
      domainId?: string | undefined;
      projectDefaulted?: true | undefined;
    }): Promise<AccountAccess> {
      const accounts = await load();
      if (target.projectDefaulted && accounts.size > 1) {
        throw new UnknownProjectError(
          target.projectId,
          `The message names no project_id, and the accounts document (${options.where}) lists ${accounts.size} accounts: the default project (HUAWEICLOUD_PROJECT_ID) serves only a deployment of one account, so the connection's project cannot be known; send project_id with the event (a Cloud Trace trace carries it)`,
        );
      }
      let owner = owners.get(target.projectId);
      if (owner === undefined) {
        const results = await Promise.allSettled(
          [...accounts.values()]
            .filter((a) => a.spec.projects === 'discover')
            .map((access) => projectsOf(access, REDISCOVER_AFTER_MS)),
        );
        owner = owners.get(target.projectId) ?? anyProject;
        const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        // An account that could not list its projects may own this one: try again later.
        if (owner === undefined && failure !== undefined) throw failure.reason;
      }
      if (owner === undefined) {
        throw new UnknownProjectError(
          target.projectId,
          `Project ${target.projectId} belongs to no account of the accounts document (${options.where}); add "${target.projectId}:<region>" to its account's projects, or set that account's projects to "discover"`,
        );
      }
      if (
        target.domainId !== undefined &&
        owner.spec.domainId !== undefined &&
        target.domainId !== owner.spec.domainId
      ) {
        throw new UnknownProjectError(
          target.projectId,
          `Project ${target.projectId} belongs to account ${owner.spec.name} (domain ${owner.spec.domainId}), but the event came from domain ${target.domainId}; fix the accounts document or the event source`,
        );
      }
      return owner;
    },

    /**
     * The credentials for a target: those of the account that owns its project (the VPN
     * client's per-call lookup). `get()` routes first, so it also works before any `route`.
     */
    forTarget(target: VpnTarget): CredentialsProvider {
      const known = owners.get(target.projectId) ?? anyProject;
      if (known !== undefined) return known.credentials;
      return {
        get: async () => (await registry.route(target)).credentials.get(),
        refresh: () => owners.get(target.projectId)?.credentials.refresh(),
      };
    },
  };
  return registry;
};

/** The registry {@link createAccountRegistry} builds. */
export type AccountRegistry = ReturnType<typeof createAccountRegistry>;

/** What the accounts and the VPN client are built from (the function's configuration). */
export interface AccessSettings {
  accountsDocument: AccountsDocumentSource;
  identityEndpoints: IdentityEndpoints;
  vpnEndpoint: (region: string) => string;
  huaweiAttemptTimeoutMs: number;
  defaultRegion: string | undefined;
  throttlePauseMs: number;
}

/**
 * Builds the accounts registry and the VPN client once per container. Each call is signed with
 * the key of its project's account. Secrets Manager, SSM and AWS STS (`lib/aws/`) and the
 * Huawei STS/IAM exchanges (`lib/huawei/lazy-identity.ts`) are loaded on first use: a
 * deployment with its key in the environment never loads them.
 */
export const createHuaweiAccess = (config: AccessSettings) => {
  const readSecret = createSecretReader();
  const readParameter = createParameterReader();
  const identity = createLazyIdentityClient({
    endpoints: config.identityEndpoints,
    attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
  });
  const accounts = createAccountRegistry({
    loadDocument: () =>
      loadAccountsDocument(
        config.accountsDocument,
        { readSecret, readParameter },
        config.defaultRegion,
        config.identityEndpoints.stsKnown,
      ),
    where: describeDocumentSource(config.accountsDocument),
    readSecret,
    identity,
    webIdentity: createWebIdentityTokenSource(createWebIdentityTokenRequester()),
  });
  const client = new HuaweiVpnClient({
    pacer: new AdaptivePacer({ ...DEFAULT_PACER_SETTINGS, pauseMs: config.throttlePauseMs }),
    endpoint: config.vpnEndpoint,
    credentials: { forTarget: (target) => accounts.forTarget(target) },
    attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
  });
  return {
    accounts,
    client,
    identity,
    /** Closes the keep-alive connections (commands and tests; Lambda just freezes). */
    close: async () => {
      identity.close();
      await client.close();
    },
  };
};
