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

/** A credentials provider that also tells the last set it fetched (for its identity). */
export type CachedCredentials = CredentialsProvider & { last(): HuaweiCredentials | undefined };

/**
 * Credentials fetched once and shared by concurrent callers until `refresh()`, or, when they
 * say when they expire (temporary credentials), until `marginMs` before then. A failed fetch
 * is not kept: the next call fetches again.
 */
export const cachedCredentials = (
  fetch: () => Promise<HuaweiCredentials & { expiresAt?: number }>,
  options: { now?: (() => number) | undefined; marginMs?: number | undefined } = {},
): CachedCredentials => {
  const now = options.now ?? Date.now;
  const margin = options.marginMs ?? 0;
  let current: { promise: Promise<HuaweiCredentials>; expiresAt?: number | undefined } | undefined;
  let last: HuaweiCredentials | undefined;
  return {
    get: () => {
      if (
        current !== undefined &&
        (current.expiresAt === undefined || now() < current.expiresAt - margin)
      ) {
        return current.promise;
      }
      const entry: NonNullable<typeof current> = {
        promise: fetch().then(
          ({ ak, sk, securityToken, expiresAt }) => {
            entry.expiresAt = expiresAt;
            last = { ak, sk, securityToken };
            return last;
          },
          (error: unknown) => {
            if (current === entry) current = undefined;
            throw error;
          },
        ),
      };
      current = entry;
      return entry.promise;
    },
    refresh: () => {
      current = undefined;
    },
    last: () => last,
  };
};

/**
 * Credentials from the configured source. A secret is fetched once per container and cached
 * until `refresh()`, which the caller invokes after Huawei rejects the credentials, so a
 * rotated key is picked up without a redeploy.
 */
export const createCredentialsProvider = (
  source: CredentialSource,
  readSecret: SecretReader,
): CachedCredentials => {
  if (source.kind === 'environment') {
    const credentials = { ak: source.ak, sk: source.sk, securityToken: source.securityToken };
    return cachedCredentials(() => Promise.resolve(credentials));
  }
  return cachedCredentials(async () => {
    const text = await readSecret(source.secretId);
    const secret = z.parseJsonWith(text, secretValueSchema);
    if (secret === undefined) {
      // The secret's content is never echoed: it holds the key.
      throw new ConfigurationError(
        `Secret ${source.secretId} must hold JSON {"ak":"...","sk":"...","security_token"?:"..."}; put the Huawei access key there`,
      );
    }
    return { ak: secret.ak, sk: secret.sk, securityToken: secret.security_token };
  });
};
