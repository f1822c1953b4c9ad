import { randomBytes, randomUUID } from 'node:crypto';
import type { HuaweiCredentials } from '../../../lib/huawei/signer.ts';
import type {
  SimulatorAccount,
  SimulatorAgency,
  SimulatorIdentityOptions,
} from './identity-options.ts';

/** Temporary credentials the simulator issued: whose they are and until when they hold. */
export interface IssuedCredentials extends Required<HuaweiCredentials> {
  domainId: string;
  /** Epoch milliseconds on the simulator's clock. */
  expiresAt: number;
  /** How they were obtained: `assume`, `assume-with-oidc` or `securitytokens`. */
  via: IssueRoute;
}

/** The three calls that issue temporary credentials. */
export type IssueRoute = 'assume' | 'assume-with-oidc' | 'securitytokens';

/** Counts of what the identity side did, for tests and the local summary. */
export interface IdentityStats {
  issued: Record<IssueRoute, number>;
  refused: Record<IssueRoute, number>;
  projectListings: number;
}

/** A key the gateway may accept on behalf of the identity side. */
export interface KnownKey {
  credentials: HuaweiCredentials;
  domainId: string;
  /** Set for temporary credentials; epoch milliseconds. */
  expiresAt?: number;
}

const emptyCounts = (): Record<IssueRoute, number> => ({
  assume: 0,
  'assume-with-oidc': 0,
  securitytokens: 0,
});

/**
 * The identity side's state: the accounts as configured (agencies can be revoked at run time,
 * to simulate a broken trust), and the temporary credentials issued so far.
 */
export const createIdentityState = (options: SimulatorIdentityOptions, now: () => number) => {
  const accounts = new Map<string, SimulatorAccount>();
  const projectDomains = new Map<string, string>();
  const permanentKeys = new Map<string, KnownKey>();
  const issued = new Map<string, IssuedCredentials>();
  const revoked = new Set<string>();
  let stats: IdentityStats = { issued: emptyCounts(), refused: emptyCounts(), projectListings: 0 };

  for (const account of options.accounts) {
    accounts.set(account.domainId, account);
    for (const projectId of Object.keys(account.projects))
      projectDomains.set(projectId, account.domainId);
    for (const key of account.keys ?? [])
      permanentKeys.set(key.ak, { credentials: { ...key }, domainId: account.domainId });
  }

  return {
    /** The account with this domain id, or the one with this name. */
    account: (domain: { id?: string | undefined; name?: string | undefined }) =>
      domain.id !== undefined
        ? accounts.get(domain.id)
        : [...accounts.values()].find((a) => a.name === domain.name),
    /** The account that owns a project, if any does. */
    domainOfProject: (projectId: string): string | undefined => projectDomains.get(projectId),
    /** A permanent key of an account, or temporary credentials issued here. */
    key(ak: string): KnownKey | undefined {
      const temporary = issued.get(ak);
      if (temporary !== undefined) {
        return {
          credentials: temporary,
          domainId: temporary.domainId,
          expiresAt: temporary.expiresAt,
        };
      }
      return permanentKeys.get(ak);
    },
    /** The agency, unless missing or revoked. */
    agency(domainId: string, name: string): SimulatorAgency | undefined {
      if (revoked.has(`${domainId}/${name}`)) return undefined;
      return accounts.get(domainId)?.agencies?.find((agency) => agency.name === name);
    },
    /** Issues temporary credentials for an account, valid for `durationSeconds`. */
    issue(domainId: string, durationSeconds: number, via: IssueRoute): IssuedCredentials {
      const credentials: IssuedCredentials = {
        ak: `TMP${randomBytes(9).toString('hex').toUpperCase()}`,
        sk: randomBytes(20).toString('base64url'),
        securityToken: `gQpjbi1ub3J0aC00${randomBytes(48).toString('base64url')}${randomUUID()}`,
        domainId,
        expiresAt: now() + durationSeconds * 1000,
        via,
      };
      issued.set(credentials.ak, credentials);
      stats.issued[via] += 1;
      return credentials;
    },
    refused(via: IssueRoute): void {
      stats.refused[via] += 1;
    },
    listedProjects(): void {
      stats.projectListings += 1;
    },
    /** Withdraws (or restores) an agency: assuming it is then refused. */
    setAgencyRevoked(domainId: string, name: string, isRevoked: boolean): void {
      if (isRevoked) revoked.add(`${domainId}/${name}`);
      else revoked.delete(`${domainId}/${name}`);
    },
    /** Ends every temporary credential issued so far, as if their time had run out. */
    expireIssued(): void {
      for (const credentials of issued.values())
        credentials.expiresAt = Math.min(credentials.expiresAt, now());
    },
    /** Every temporary credential issued so far, newest last. */
    issuedCredentials: (): IssuedCredentials[] => [...issued.values()],
    stats: (): IdentityStats => structuredClone(stats),
    reset(): void {
      issued.clear();
      revoked.clear();
      stats = { issued: emptyCounts(), refused: emptyCounts(), projectListings: 0 };
    },
  };
};

/** The identity side's state, as {@link createIdentityState} builds it. */
export type IdentityState = ReturnType<typeof createIdentityState>;
