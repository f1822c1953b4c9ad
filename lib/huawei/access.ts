import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { describeDocumentSource, loadAccountsDocument } from '../accounts/document-source.ts';
import {
  createHuaweiIdentityClient,
  type HuaweiIdentityClient,
} from '../accounts/huawei-identity.ts';
import { type AccountRegistry, createAccountRegistry } from '../accounts/registry.ts';
import { createWebIdentityTokenSource } from '../accounts/web-identity.ts';
import type { HuaweiSettings } from '../config.ts';
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
 * the key of its project's account. Secrets Manager, SSM and AWS STS are loaded on first use: a
 * deployment with its key in the environment never loads them. `clientConfig` is passed to
 * those SDK clients.
 */
export const createHuaweiAccess = (
  config: Pick<
    HuaweiSettings,
    | 'accountsDocument'
    | 'identityEndpoints'
    | 'vpnEndpoint'
    | 'huaweiAttemptTimeoutMs'
    | 'defaultRegion'
  >,
  clientConfig: { cacheMiddleware?: boolean } = {},
): HuaweiAccess => {
  let secrets: SecretsManagerClient | undefined;
  let ssm: SSMClient | undefined;
  const readSecret = async (secretId: string): Promise<string | undefined> => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    secrets ??= new sdk.SecretsManagerClient(clientConfig);
    const output = await secrets.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    return output.SecretString;
  };
  const readParameter = async (name: string): Promise<string | undefined> => {
    const sdk = await import('@aws-sdk/client-ssm');
    ssm ??= new sdk.SSMClient(clientConfig);
    const output = await ssm.send(
      new sdk.GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return output.Parameter?.Value;
  };
  const identity = createHuaweiIdentityClient({
    endpoints: config.identityEndpoints,
    attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
  });
  const accounts = createAccountRegistry({
    loadDocument: () =>
      loadAccountsDocument(
        config.accountsDocument,
        { readSecret, readParameter },
        config.defaultRegion,
      ),
    where: describeDocumentSource(config.accountsDocument),
    readSecret,
    identity,
    webIdentity: createWebIdentityTokenSource(clientConfig),
  });
  const client = new HuaweiVpnClient({
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
