import {
  type CachedCredentials,
  type CredentialsProvider,
  cachedCredentials,
  createCredentialsProvider,
  credentialsIdentity,
  type HuaweiIdentityClient,
  type SecretReader,
  type TemporaryCredentials,
} from '../huawei/index.ts';
import type { AccountSpec } from './document.ts';
import type { WebIdentityTokenSource } from './web-identity.ts';

/** An account's credentials: which account and source, and a non-secret identity of the key. */
export interface AccountCredentialsProvider extends CredentialsProvider {
  readonly account: string;
  readonly source: AccountSpec['source']['kind'];
  /**
   * A stable identity of the key in use, never the key itself (`<account>:` and 16 hex characters of {@link credentialsIdentity}),
   * for logs and a fleet-wide breaker; `undefined` before the first `get()`.
   */
  identity(): string | undefined;
}

/** What providers are built with. */
export interface ProviderTools {
  readSecret: SecretReader;
  identity: HuaweiIdentityClient;
  webIdentity: WebIdentityTokenSource;
  /** Temporary credentials are renewed this long before they expire; default 5 minutes. */
  refreshBeforeMs?: number;
  /** Epoch milliseconds; tests pass a clock. */
  now?: () => number;
}

/** The Huawei session name of this project's agency sessions (2-128 characters). */
export const SESSION_NAME = 'vpn-monitor-provisioner';

const DEFAULT_REFRESH_BEFORE_MS = 5 * 60_000;

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
    cachedCredentials(fetch, {
      now: tools.now,
      marginMs: tools.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS,
    });
  const build = (spec: AccountSpec): AccountCredentialsProvider => {
    const found = providers.get(spec.name);
    if (found) return found;
    const source = spec.source;
    let base: CachedCredentials;
    if (source.kind === 'static' || source.kind === 'environment') {
      base = createCredentialsProvider(
        source.kind === 'static' ? { kind: 'secrets-manager', secretId: source.secretId } : source,
        tools.readSecret,
      );
    } else if (source.kind === 'agency') {
      const via = source.via;
      const centralSpec =
        'account' in via ? accounts.find((a) => a.name === via.account) : undefined;
      const central: CredentialsProvider =
        centralSpec !== undefined
          ? build(centralSpec)
          : createCredentialsProvider(
              { kind: 'secrets-manager', secretId: 'secretId' in via ? via.secretId : '' },
              tools.readSecret,
            );
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
      account: spec.name,
      source: source.kind,
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
