import { describe, expect, it } from 'vitest';
import {
  ABORT_BEFORE_TIMEOUT_MS,
  invocationBudget,
  invocationDeadline,
  RESERVE_FOR_SETTLEMENT_MS,
  stopBeforeTimeoutMs,
} from '../../../lib/aws/invocation-budget.ts';

/** A Lambda context with `remainingMs` left, as far as the budget reads it. */
const contextWith = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

describe('the invocation budget', () => {
  it.each([
    // [function time left, kept back]: a tenth, at least 1.5 s, at most 10 s
    [3_000, 1_500],
    [15_000, 1_500],
    [30_000, 3_000],
    [54_321, 5_432],
    [100_000, 10_000],
    [300_000, 10_000],
    [900_000, 10_000],
  ])('keeps back enough of %i ms to settle and answer: %i ms', (remainingMs, keptMs) => {
    // Act
    const margin = stopBeforeTimeoutMs(remainingMs);

    // Assess
    expect(margin).toBe(keptMs);
  });

  it('ends the work that much before the timeout', () => {
    // Prepare
    const before = Date.now();

    // Act
    const deadline = invocationDeadline(contextWith(30_000));

    // Assess: 30 s left, 3 s kept back
    expect(deadline).toBeGreaterThanOrEqual(before + 27_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 27_000);
    expect(Number.isInteger(deadline)).toBe(true);
  });

  it('has no time at all when the function has less than the margin left', () => {
    // Prepare
    const before = Date.now();

    // Act
    const budget = invocationBudget(contextWith(1_000));

    // Assess: the deadline is now, never in the past, and the signal fires at once
    expect(budget.deadline).toBeGreaterThanOrEqual(before);
    expect(budget.deadline).toBeLessThanOrEqual(Date.now());
    return new Promise<void>((resolve) => {
      budget.signal.addEventListener('abort', () => resolve());
      if (budget.signal.aborted) resolve();
    });
  });

  it('takes whole milliseconds from a context that reports fractions', () => {
    // Act: Node's AbortSignal.timeout refuses a fractional delay
    const budget = invocationBudget(contextWith(29_999.7));

    // Assess
    expect(Number.isInteger(budget.deadline)).toBe(true);
    expect(budget.signal.aborted).toBe(false);
  });

  it("aborts with the caller's own signal before the deadline", () => {
    // Prepare
    const caller = new AbortController();
    const budget = invocationBudget(contextWith(300_000), caller.signal);

    // Act
    caller.abort(new Error('Ctrl-C'));

    // Assess
    expect(budget.signal.aborted).toBe(true);
    expect(budget.signal.reason).toEqual(new Error('Ctrl-C'));
  });

  it("keeps the settlement reserve inside the work time, and middy's abort after the deadline", () => {
    // Act: createMonitor's 30 s timeout
    const budget = invocationBudget(contextWith(30_000));

    // Assess: Huawei attempts end by deadline - reserve; the deadline comes 3 s before the
    // timeout; middy aborts only 250 ms before it, well after the deadline
    expect(budget.reserveForSettlementMs).toBe(RESERVE_FOR_SETTLEMENT_MS);
    expect(RESERVE_FOR_SETTLEMENT_MS).toBe(1_000);
    expect(ABORT_BEFORE_TIMEOUT_MS).toBe(250);
    expect(ABORT_BEFORE_TIMEOUT_MS).toBeLessThan(stopBeforeTimeoutMs(30_000));
    expect(budget.deadline - budget.reserveForSettlementMs).toBeLessThanOrEqual(
      Date.now() + 26_000,
    );
  });
});
