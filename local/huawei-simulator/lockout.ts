/** When an access key gets locked, and for how long. */
export interface LockoutPolicy {
  /** Consecutive authentication failures that lock the key (the next request is refused). */
  maxFailures: number;
  /** How long the key stays locked, in milliseconds. */
  durationMs: number;
}

/** Huawei's documented policy: 5 consecutive failures lock the key for 5 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, durationMs: 5 * 60_000 };

/** Counts consecutive authentication failures per access key, on the simulator's clock. */
export interface LockoutTracker {
  /** Milliseconds the key stays locked; 0 when it is not locked. */
  lockedForMs(ak: string): number;
  /** Records one failure; the one that reaches `maxFailures` locks the key. */
  recordFailure(ak: string): void;
  /** A success resets the count. */
  recordSuccess(ak: string): void;
  /** Forgets every count and lock. */
  reset(): void;
}

interface Entry {
  failures: number;
  lockedUntil: number;
}

/** Creates a {@link LockoutTracker} reading time from `now` (milliseconds since the epoch). */
export const createLockoutTracker = (policy: LockoutPolicy, now: () => number): LockoutTracker => {
  const entries = new Map<string, Entry>();
  return {
    lockedForMs(ak) {
      const entry = entries.get(ak);
      if (entry === undefined || entry.lockedUntil === 0) return 0;
      const left = entry.lockedUntil - now();
      if (left > 0) return left;
      entries.delete(ak);
      return 0;
    },
    recordFailure(ak) {
      const entry = entries.get(ak) ?? { failures: 0, lockedUntil: 0 };
      entry.failures += 1;
      if (entry.failures >= policy.maxFailures) {
        entry.failures = 0;
        entry.lockedUntil = now() + policy.durationMs;
      }
      entries.set(ak, entry);
    },
    recordSuccess(ak) {
      if (entries.size > 0) entries.delete(ak);
    },
    reset() {
      entries.clear();
    },
  };
};
