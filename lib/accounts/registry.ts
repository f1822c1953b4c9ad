import type { CredentialsProvider } from '../huawei/credentials.ts';
import type { VpnTarget } from '../huawei/vpn-client.ts';
import {
  type AccountCredentialsProvider,
  createAccountProviders,
  type ProviderTools,
} from './account-credentials.ts';
import { UnknownProjectError } from './account-errors.ts';
import type { AccountSpec, AccountsDocument } from './document.ts';

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
  /** A discovered project list is listed again after this long; default 10 minutes. */
  discoveryTtlMs?: number;
}

const DEFAULT_DISCOVERY_TTL_MS = 10 * 60_000;
/** A project nobody owns triggers a new listing of discovered accounts at most this often. */
const REDISCOVER_AFTER_MS = 60_000;

/**
 * The accounts of a deployment. Loads the accounts document once per container (again after a
 * failure), builds each account's credentials, lists the projects of `discover` accounts with
 * IAM (cached), and routes a project to the account that owns it.
 */
export const createAccountRegistry = (options: RegistryOptions) => {
  const now = options.now ?? Date.now;
  const ttl = options.discoveryTtlMs ?? DEFAULT_DISCOVERY_TTL_MS;
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

  const projectsOf = async (access: AccountAccess, maxAgeMs = ttl): Promise<VpnTarget[]> => {
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
        const discovering = [...accounts.values()].filter((a) => a.spec.projects === 'discover');
        const results = await Promise.allSettled(
          discovering.map((access) => projectsOf(access, REDISCOVER_AFTER_MS)),
        );
        owner =
          owners.get(target.projectId) ??
          [...accounts.values()].find((a) => a.spec.projects === 'any');
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
