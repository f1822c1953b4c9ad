import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HuaweiSettings } from '../config.ts';
import { AdaptivePacer, DEFAULT_PACER_SETTINGS } from './adaptive-pacer.ts';
import { type CredentialsProvider, createCredentialsProvider } from './credentials.ts';
import { HuaweiVpnClient } from './vpn-client.ts';

/** The Huawei credentials and the VPN API client built on them. */
export interface HuaweiAccess {
  credentials: CredentialsProvider;
  client: HuaweiVpnClient;
}

/**
 * Builds the credentials provider and the VPN client once per container. A secret is read with
 * Secrets Manager, whose SDK is loaded on first use: a deployment with credentials in its
 * environment never loads it. `clientConfig` is passed to that SDK client.
 */
export const createHuaweiAccess = (
  config: Pick<
    HuaweiSettings,
    'credentials' | 'vpnEndpoint' | 'huaweiAttemptTimeoutMs' | 'throttlePauseMs'
  >,
  clientConfig: { cacheMiddleware?: boolean } = {},
): HuaweiAccess => {
  let secrets: SecretsManagerClient | undefined;
  const credentials = createCredentialsProvider(config.credentials, async (secretId) => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    secrets ??= new sdk.SecretsManagerClient(clientConfig);
    const output = await secrets.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    return output.SecretString;
  });
  return {
    credentials,
    client: new HuaweiVpnClient({
      pacer: new AdaptivePacer({ ...DEFAULT_PACER_SETTINGS, pauseMs: config.throttlePauseMs }),
      endpoint: config.vpnEndpoint,
      credentials,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
    }),
  };
};
