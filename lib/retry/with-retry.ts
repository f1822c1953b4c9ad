import { setTimeout as sleep } from 'node:timers/promises';
import { ProvisionerError } from '../errors.ts';
import { type Decision, decide } from './policy.ts';

/** Bounds of the exponential backoff, in milliseconds. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Defaults: 200 ms doubling to at most 5 s; Huawei advises 2-5 s after throttling. */
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 200, capMs: 5_000 };

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

/** What a retried call knows about its budget. */
export interface RetryOptions {
  maxAttempts: number;
  /** Epoch milliseconds after which no attempt may start nor any wait end. */
  deadline: number;
  /** The longest one attempt can take; an attempt is only started if it fits before `deadline`. */
  attemptTimeoutMs: number;
  backoff?: BackoffOptions;
  signal?: AbortSignal | undefined;
  /** Told about each retry, for logs and metrics. */
  onRetry?: (retry: {
    attempt: number;
    delayMs: number;
    decision: Decision;
    error: unknown;
  }) => void;
  now?: () => number;
  random?: () => number;
  /** Waits between attempts; tests pass a virtual clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);

/**
 * The last failure of a retried call (its `cause`), with how many attempts were made and why
 * it stopped. What the caller must do is in `decision`.
 */
export class RetryExhaustedError extends ProvisionerError {
  public override name = 'RetryExhaustedError';
  public readonly attempts: number;
  public readonly decision: Decision;

  public constructor(error: unknown, attempts: number, decision: Decision) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.attempts = attempts;
    this.decision = decision;
  }
}

/** The failure itself: the last attempt's error when `error` is a {@link RetryExhaustedError}. */
export const lastFailure = (error: unknown): unknown =>
  error instanceof RetryExhaustedError ? error.cause : error;

/**
 * Calls `fn` until it succeeds or the policy says stop. `retry-now` failures are retried with
 * capped exponential backoff and full jitter while attempts remain and the next attempt still
 * fits before the deadline; then the failure is returned as `retry-later`, so SQS redelivers
 * the record instead of the Lambda timing out mid-call.
 */
export const withRetry = async <T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> => {
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const decision = decide(error);
      if (decision.disposition !== 'retry-now')
        throw new RetryExhaustedError(error, attempt, decision);
      const retryAfterMs = (error as { retryAfterMs?: number | undefined }).retryAfterMs;
      const delayMs = backoffDelay(attempt - 1, options.backoff, retryAfterMs, options.random);
      const fits = now() + delayMs + options.attemptTimeoutMs <= options.deadline;
      const spent = attempt >= options.maxAttempts;
      if (spent || !fits || options.signal?.aborted) {
        const why = spent ? `${attempt} attempts` : 'no time left for another attempt';
        throw new RetryExhaustedError(error, attempt, {
          ...decision,
          disposition: 'retry-later',
          reason: `${decision.reason}; gave up after ${why}`,
        });
      }
      options.onRetry?.({ attempt, delayMs, decision, error });
      await (options.sleep ?? realSleep)(delayMs, options.signal);
    }
  }
};
