import { describeDocumentSource, loadAccountsDocument } from '../accounts/document-source.ts';
import type { HuaweiIdentityClient } from '../accounts/huawei-identity.ts';
import { createLazyIdentityClient } from '../accounts/lazy-identity.ts';
import { type AccountRegistry, createAccountRegistry } from '../accounts/registry.ts';
import { createWebIdentityTokenSource } from '../accounts/web-identity.ts';
import { createSecretReader } from '../aws/secrets-manager.ts';
import { createParameterReader } from '../aws/ssm.ts';
import { createWebIdentityTokenRequester } from '../aws/sts.ts';
import type { HuaweiSettings } from '../config.ts';
import { AdaptivePacer, DEFAULT_PACER_SETTINGS } from './adaptive-pacer.ts';
import { HuaweiVpnClient } from './vpn-client.ts';

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
 * Huawei STS/IAM exchanges (`lib/accounts/lazy-identity.ts`) are loaded on first use: a
 * deployment with its key in the environment never loads them.
 */
export const createHuaweiAccess = (
  config: Pick<
    HuaweiSettings,
    | 'accountsDocument'
    | 'identityEndpoints'
    | 'vpnEndpoint'
    | 'huaweiAttemptTimeoutMs'
    | 'defaultRegion'
    | 'throttlePauseMs'
  >,
): HuaweiAccess => {
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
