import { createSecretReader } from '../aws/secrets-manager.ts';
import type { HuaweiSettings } from '../config.ts';
import { type CredentialsProvider, createCredentialsProvider } from './credentials.ts';
import { HuaweiVpnClient } from './vpn-client.ts';

/** The Huawei credentials and the VPN API client built on them. */
export interface HuaweiAccess {
  credentials: CredentialsProvider;
  client: HuaweiVpnClient;
}

/**
 * Builds the credentials provider and the VPN client once per container. A secret is read with
 * Secrets Manager, whose SDK is loaded on first use (see `lib/aws/secrets-manager.ts`).
 */
export const createHuaweiAccess = (
  config: Pick<HuaweiSettings, 'credentials' | 'vpnEndpoint' | 'huaweiAttemptTimeoutMs'>,
): HuaweiAccess => {
  const credentials = createCredentialsProvider(config.credentials, createSecretReader());
  return {
    credentials,
    client: new HuaweiVpnClient({
      endpoint: config.vpnEndpoint,
      credentials,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
    }),
  };
};
