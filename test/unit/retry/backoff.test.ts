import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HuaweiApiError } from '../../../lib/errors.ts';
import { backoffDelay, withRetry } from '../../../lib/retry/with-retry.ts';

const throttled = (retryAfterMs?: number) =>
  new HuaweiApiError('create', {
    status: 429,
    code: 'VPN.0429',
    huaweiMessage: 'too many',
    requestId: 'r',
    retryAfterMs,
  });

describe('backoffDelay', () => {
  it('stays within [0, min(cap, base * 2^attempt)) and honours a longer Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
        (attempt, baseMs, capMs, r, retryAfterMs) => {
          // Act
          const delay = backoffDelay(attempt, { baseMs, capMs }, retryAfterMs, () => r);
          // Assess
          const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
          if (retryAfterMs === undefined) {
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThan(Math.max(1, ceiling));
          } else {
            expect(delay).toBeGreaterThanOrEqual(retryAfterMs);
            expect(delay).toBeLessThanOrEqual(Math.max(retryAfterMs, ceiling));
          }
        },
      ),
    );
  });
});

describe('withRetry', () => {
  it('never starts an attempt that cannot finish before the deadline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        async (budgetMs, attemptTimeoutMs, maxAttempts, retryAfterMs) => {
          // Prepare: a virtual clock that the waits advance, so no real time passes
          let clock = 0;
          const starts: number[] = [];
          const deadline = budgetMs;
          const fn = async () => {
            starts.push(clock);
            clock += attemptTimeoutMs;
            throw throttled(retryAfterMs);
          };
          // Act
          const error = await withRetry(fn, {
            maxAttempts,
            deadline,
            attemptTimeoutMs,
            backoff: { baseMs: 100, capMs: 2_000 },
            now: () => clock,
            sleep: async (ms) => {
              clock += ms;
            },
          }).catch((e: unknown) => e);
          // Assess: every retry started with room for a whole attempt; the error says retry later
          for (const start of starts.slice(1))
            expect(start + attemptTimeoutMs).toBeLessThanOrEqual(deadline + attemptTimeoutMs);
          expect(starts.length).toBeLessThanOrEqual(maxAttempts);
          expect(error).toMatchObject({
            name: 'RetryExhaustedError',
            decision: { disposition: 'retry-later' },
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('retries throttling and then succeeds', async () => {
    // Prepare
    let calls = 0;
    const retries: string[] = [];
    // Act
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw throttled();
        return 'ok';
      },
      {
        maxAttempts: 5,
        deadline: Date.now() + 60_000,
        attemptTimeoutMs: 1_000,
        backoff: { baseMs: 1, capMs: 2 },
        onRetry: ({ decision }) => retries.push(decision.reason),
      },
    );
    // Assess
    expect(result).toBe('ok');
    expect(retries).toEqual(['throttled (HTTP 429 VPN.0429)', 'throttled (HTTP 429 VPN.0429)']);
  });

  it('does not retry a permanent error', async () => {
    // Prepare
    let calls = 0;
    const fn = async () => {
      calls++;
      throw new HuaweiApiError('create', {
        status: 404,
        code: 'VPN.0004',
        huaweiMessage: 'not found',
        requestId: 'r',
      });
    };
    // Act
    const error = await withRetry(fn, {
      maxAttempts: 5,
      deadline: Date.now() + 60_000,
      attemptTimeoutMs: 1_000,
    }).catch((e: unknown) => e);
    // Assess
    expect(calls).toBe(1);
    expect(error).toMatchObject({ attempts: 1, decision: { disposition: 'give-up' } });
  });
});
