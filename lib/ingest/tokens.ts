import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '../errors.ts';
import * as z from '../zod.ts';

/**
 * The shortest token accepted in the secret: 32 characters, so that a token is never guessable
 * (a random 32-character base64url string is 192 bits).
 */
const MIN_TOKEN_LENGTH = 32;

const tokenSchema = z.string().check(z.minLength(MIN_TOKEN_LENGTH));

/**
 * The JSON the ingest token secret holds: the token senders use now, and the one they used
 * before the last rotation, which stays valid until every sender has the new one.
 */
const ingestTokenSecretSchema = z.object({
  current: tokenSchema,
  previous: z.optional(z.union([tokenSchema, z.literal('')])),
});

/** Answers whether a presented token is one of the valid ones. */
export interface TokenVerifier {
  /** True when any of `candidates` is the current or the previous token. */
  verify(candidates: readonly string[]): Promise<boolean>;
}

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  secretId: string;
  /** Reads a secret's string value; in AWS this is Secrets Manager's GetSecretValue. */
  readSecret: (secretId: string) => Promise<string | undefined>;
  /** How long a read secret is trusted before it is read again. */
  cacheTtlMs: number;
  /**
   * A token that matches nothing, or the previous token, makes the secret be read again (a
   * rotation may have just happened, or retired the previous token), but not more often than
   * this, so bad tokens cannot flood Secrets Manager. A retired token is thus refused at most
   * this long (default 5 s) after the secret stopped holding it, plus one read of the secret.
   */
  minRefreshIntervalMs?: number;
  now?: () => number;
}

// A digest has the same length whatever the token's length, so the comparison's time says
// nothing about how long the token is or how much of it matched.
const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The digests of the tokens one read of the secret holds: the current one first. */
type ReadTokens = readonly [Buffer, ...Buffer[]];

const matchesAny = (candidates: readonly Buffer[], valid: readonly Buffer[]): boolean => {
  let found = false;
  // Every pair is compared, so the time does not depend on which token matched.
  for (const candidate of candidates) {
    for (const token of valid) found = timingSafeEqual(candidate, token) || found;
  }
  return found;
};

/**
 * Verifies ingest tokens against the secret (current and previous), read through `readSecret`
 * and cached for `cacheTtlMs`. When a read fails after one succeeded, the tokens of that one
 * are used until a read succeeds again. A secret that cannot be read at all throws the read's
 * error, and one that does not hold valid tokens a {@link ConfigurationError} (the request is
 * then answered 5xx, so the sender retries); the secret's content is never put in an error.
 */
export const createTokenVerifier = (options: TokenVerifierOptions): TokenVerifier => {
  const now = options.now ?? Date.now;
  const minRefreshMs = options.minRefreshIntervalMs ?? 5_000;
  let cached: { tokens: Promise<ReadTokens>; readAt: number } | undefined;
  /** The tokens of the last read that succeeded. */
  let lastRead: ReadTokens | undefined;

  const load = async (): Promise<ReadTokens> => {
    let text: string | undefined;
    try {
      text = await options.readSecret(options.secretId);
    } catch (error: unknown) {
      // Secrets Manager unreachable: the tokens read last stay valid until it answers again,
      // so an outage of it is not one of the endpoint. With none read yet, the request fails.
      if (lastRead !== undefined) return lastRead;
      throw error;
    }
    const secret = z.parseJsonWith(text, ingestTokenSecretSchema);
    if (secret === undefined) {
      throw new ConfigurationError(
        `Secret ${options.secretId} must hold JSON {"current":"...","previous"?:"..."} with tokens of at least ${MIN_TOKEN_LENGTH} characters; put the ingest token there`,
      );
    }
    const { current, previous } = secret;
    lastRead = previous ? [digest(current), digest(previous)] : [digest(current)];
    return lastRead;
  };

  const tokens = (maxAgeMs: number): Promise<ReadTokens> => {
    if (cached === undefined || now() - cached.readAt >= maxAgeMs) {
      const entry = { tokens: load(), readAt: now() };
      entry.tokens.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.tokens;
  };

  return {
    verify: async (candidates) => {
      const presented = candidates.filter((c) => c.length > 0).map(digest);
      if (presented.length === 0) return false;
      const known = await tokens(options.cacheTtlMs);
      if (matchesAny(presented, [known[0]])) return true;
      // The previous token, or none: the secret is read again (at most every minRefreshMs), so
      // a rotation that retired the previous token, or brought in a new one, is seen at once.
      return matchesAny(presented, await tokens(minRefreshMs));
    },
  };
};
