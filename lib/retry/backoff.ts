/** Bounds of the exponential backoff, in milliseconds. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Defaults: 200 ms doubling to at most 5 s; Huawei advises 2-5 s after throttling. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 200, capMs: 5_000 };

/**
 * "Full jitter" backoff: a uniform delay in `[0, min(cap, base * 2^attempt))`, where `attempt`
 * counts the failures so far from 0. A server's `Retry-After` wins when it asks for longer.
 */
export const backoffDelay = (
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
};
