import { z } from 'zod';

/** Huawei's gateway limit, as the simulator plays it: a token bucket per project. */
export const rateLimitSchema = z.strictObject({
  /** Requests a second each project may make, on average. */
  requestsPerSecond: z.number().positive(),
  /** How many requests may come at once after a quiet spell; default one second's worth. */
  burst: z.number().int().positive().optional(),
});

/** See {@link rateLimitSchema}. */
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** Answers whether a project's request may pass now; a refused one is Huawei's 429 `APIGW.0308`. */
export interface RateLimiter {
  take(projectId: string): boolean;
  /** Replaces the limit; `undefined` lets everything through. Buckets start full. */
  set(limit: RateLimit | undefined): void;
}

/** A token bucket per project on the simulator's clock (`now`, epoch milliseconds). */
export const createRateLimiter = (
  initial: RateLimit | undefined,
  now: () => number,
): RateLimiter => {
  let limit = initial === undefined ? undefined : rateLimitSchema.parse(initial);
  let buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(projectId) {
      if (limit === undefined) return true;
      const capacity = limit.burst ?? Math.max(1, Math.round(limit.requestsPerSecond));
      const time = now();
      const bucket = buckets.get(projectId) ?? { tokens: capacity, at: time };
      bucket.tokens = Math.min(
        capacity,
        bucket.tokens + ((time - bucket.at) / 1000) * limit.requestsPerSecond,
      );
      bucket.at = time;
      buckets.set(projectId, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    set(next) {
      limit = next === undefined ? undefined : rateLimitSchema.parse(next);
      buckets = new Map();
    },
  };
};
