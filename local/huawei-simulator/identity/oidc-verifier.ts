import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import * as z from 'zod';
import type { SimulatorOidcProvider } from './identity-options.ts';

const discoverySchema = z.looseObject({ issuer: z.string(), jwks_uri: z.url() });

/** The verdict on an OIDC id token: its claims, or why it is refused. */
export type TokenVerdict = { ok: true; claims: JWTPayload } | { ok: false; reason: string };

const describe = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token audience (aud) is not a client id of the provider';
    if (error.claim === 'iss') return "the token issuer (iss) is not the provider's issuer";
    return `the token claim ${error.claim} is not valid: ${error.reason}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the token signature does not verify against the issuer's JWKS";
  if (error instanceof errors.JWKSNoMatchingKey)
    return "no key of the issuer's JWKS matches the token";
  if (error instanceof errors.JOSEError) return `the token is not valid (${error.code})`;
  return `the issuer's discovery document or JWKS could not be read (${error instanceof Error ? error.message : String(error)})`;
};

/**
 * Verifies id tokens as Huawei's STS does for an OIDC provider: the signature against the
 * provider's signing keys (given, or the issuer's JWKS found through its discovery document),
 * then `iss`, `aud` and expiry, with a real JOSE library. Fetched key sets are cached per issuer.
 */
export const createOidcVerifier = () => {
  const keySets = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();
  const keySet = (provider: SimulatorOidcProvider) => {
    if (provider.signingKey !== undefined)
      return createLocalJWKSet(JSON.parse(provider.signingKey) as JSONWebKeySet);
    const issuer = provider.issuer;
    let found = keySets.get(issuer);
    if (found === undefined) {
      found = (async () => {
        const response = await fetch(
          `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
        );
        if (!response.ok) throw new Error(`discovery answered HTTP ${response.status}`);
        const discovery = discoverySchema.parse(await response.json());
        return createRemoteJWKSet(new URL(discovery.jwks_uri));
      })();
      keySets.set(issuer, found);
      found.catch(() => keySets.delete(issuer));
    }
    return found;
  };

  return {
    async verify(token: string, provider: SimulatorOidcProvider): Promise<TokenVerdict> {
      try {
        const { payload } = await jwtVerify(token, await keySet(provider), {
          issuer: provider.issuer,
          audience: [...provider.clientIds],
          algorithms: ['RS256', 'ES384'],
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        return { ok: true, claims: payload };
      } catch (error) {
        return { ok: false, reason: describe(error) };
      }
    },
    /** Forgets fetched key sets (the issuer rotated its keys, or restarted). */
    reset: (): void => keySets.clear(),
  };
};

/** The simulator's OIDC token verifier. */
export type OidcVerifier = ReturnType<typeof createOidcVerifier>;
