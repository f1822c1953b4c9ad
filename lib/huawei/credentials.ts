import { createHash } from 'node:crypto';
import { ConfigurationError } from '../errors.ts';
import * as z from '../zod.ts';
import type { HuaweiCredentials } from './signer.ts';

/** Where the Huawei credentials come from: the environment (local runs) or Secrets Manager. */
export type CredentialSource =
  | { kind: 'environment'; ak: string; sk: string; securityToken: string | undefined }
  | { kind: 'secrets-manager'; secretId: string };

/** Hands out the current Huawei credentials; `refresh()` drops a cached copy that Huawei refused. */
export interface CredentialsProvider {
  get(): Promise<HuaweiCredentials>;
  refresh(): void;
}

/**
 * The identity of a set of credentials, never their value: SHA-256 over the AK and the
 * SHA-256 of the SK and of the security token. A new secret value (another SK, a new token)
 * is a new identity, so a rotated key is tried at once, whatever the old one's breaker says.
 */
export const credentialsIdentity = (credentials: HuaweiCredentials): string => {
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  return digest(
    [credentials.ak, digest(credentials.sk), digest(credentials.securityToken ?? '')].join('\n'),
  );
};

/** The JSON a Secrets Manager secret holds: `{"ak","sk","security_token"?}`. */
const secretValueSchema = z.object({
  ak: z.string().check(z.minLength(1)),
  sk: z.string().check(z.minLength(1)),
  security_token: z.optional(z.string().check(z.minLength(1))),
});

/** Reads a secret's string value; in AWS this is Secrets Manager's GetSecretValue. */
export type SecretReader = (secretId: string) => Promise<string | undefined>;

/**
 * Credentials from the configured source. A secret is fetched once per container and cached
 * until `refresh()`, which the caller invokes after Huawei rejects the credentials, so a
 * rotated key is picked up without a redeploy.
 */
export const createCredentialsProvider = (
  source: CredentialSource,
  readSecret: SecretReader,
): CredentialsProvider => {
  if (source.kind === 'environment') {
    const credentials = { ak: source.ak, sk: source.sk, securityToken: source.securityToken };
    return { get: () => Promise.resolve(credentials), refresh: () => undefined };
  }
  let cached: Promise<HuaweiCredentials> | undefined;
  const load = async (): Promise<HuaweiCredentials> => {
    const text = await readSecret(source.secretId);
    const secret = z.parseJsonWith(text, secretValueSchema);
    if (secret === undefined) {
      // The secret's content is never echoed: it holds the key.
      throw new ConfigurationError(
        `Secret ${source.secretId} must hold JSON {"ak":"...","sk":"...","security_token"?:"..."}; put the Huawei access key there`,
      );
    }
    return { ak: secret.ak, sk: secret.sk, securityToken: secret.security_token };
  };
  return {
    get: () => {
      cached ??= load().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
    refresh: () => {
      cached = undefined;
    },
  };
};
