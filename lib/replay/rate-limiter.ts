/** Time as the rate limiter sees it; tests pass a virtual one. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** When to give up waiting for a slot. */
interface StopConditions {
  /** Epoch milliseconds; a slot later than this is refused without waiting. */
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Paces sends to a steady rate. */
export interface RateLimiter {
  /**
   * Waits until `count` more messages may be sent. Resolves `false`, without sending being
   * allowed, when the slot lies past the deadline or the signal fires.
   */
  acquire(count: number, stop?: StopConditions): Promise<boolean>;
}

/**
 * A rate limiter for one sender (the replay loop sends one batch at a time). A batch of `count`
 * goes at its slot, and the next slot is `count / perSecond` seconds later, so over any run the
 * messages sent before the last batch divided by the time up to it is exactly the rate; there is
 * no burst allowance to exceed it. `undefined` means no limit.
 */
export function createRateLimiter(
  perSecond: number | undefined,
  clock: Clock = systemClock,
): RateLimiter {
  let next = Number.NEGATIVE_INFINITY;
  return {
    async acquire(count, stop = {}) {
      if (stop.signal?.aborted) return false;
      if (perSecond === undefined) return true;
      const now = clock.now();
      const at = Math.max(now, next);
      if (stop.deadline !== undefined && at > stop.deadline) return false;
      next = at + (count * 1000) / perSecond;
      if (at > now) await clock.sleep(at - now, stop.signal);
      return !stop.signal?.aborted;
    },
  };
}

/**
 * Messages per `SendMessageBatch` at a rate: 10 (SQS's most) when unlimited or fast, smaller
 * at low rates so that sends come at least twice a second instead of in one burst a second.
 */
export function sendBatchSize(perSecond: number | undefined): number {
  if (perSecond === undefined) return 10;
  return Math.min(10, Math.max(1, Math.floor(perSecond / 2)));
}
