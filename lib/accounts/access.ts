import {
  createParameterReader,
  createSecretReader,
  createWebIdentityTokenRequester,
} from '../aws/index.ts';
import {
  AdaptivePacer,
  createLazyIdentityClient,
  DEFAULT_PACER_SETTINGS,
  type HuaweiIdentityClient,
  HuaweiVpnClient,
  type IdentityEndpoints,
} from '../huawei/index.ts';
import {
  type AccountsDocumentSource,
  describeDocumentSource,
  loadAccountsDocument,
} from './document-source.ts';
import { type AccountRegistry, createAccountRegistry } from './registry.ts';
import { createWebIdentityTokenSource } from './web-identity.ts';

/** What the accounts and the VPN client are built from (the function's configuration). */
export interface AccessSettings {
  accountsDocument: AccountsDocumentSource;
  identityEndpoints: IdentityEndpoints;
  vpnEndpoint: (region: string) => string;
  huaweiAttemptTimeoutMs: number;
  defaultRegion: string | undefined;
  throttlePauseMs: number;
}

/** The Huawei accounts, their credentials, and the VPN API client that uses them. */
export interface HuaweiAccess {
  accounts: AccountRegistry;
  client: HuaweiVpnClient;
  identity: HuaweiIdentityClient;
  /** Closes the keep-alive connections (commands and tests; Lambda just freezes). */
  close(): Promise<void>;
}

/**
 * Builds the accounts registry and the VPN client once per container. Each call is signed with
 * the key of its project's account. Secrets Manager, SSM and AWS STS (`lib/aws/`) and the
 * Huawei STS/IAM exchanges (`lib/huawei/lazy-identity.ts`) are loaded on first use: a
 * deployment with its key in the environment never loads them.
 */
export const createHuaweiAccess = (config: AccessSettings): HuaweiAccess => {
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
    close: async () => {
      identity.close();
      await client.close();
    },
  };
};
