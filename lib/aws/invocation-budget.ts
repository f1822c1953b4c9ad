/*
 * Every margin an invocation keeps back from its Lambda timeout, in one place, used by every
 * function; from the timeout backwards, the three below.
 */

/**
 * middy's `timeoutEarlyInMillis` for every handler, the last resort: if the handler is still
 * running this long before the timeout, middy rejects it and aborts its signal, so Lambda logs a
 * timeout error of ours rather than killing the process silently.
 */
export const ABORT_BEFORE_TIMEOUT_MS = 250;

/**
 * How long before its timeout a function starts nothing new (its `deadline`): a tenth of the
 * time it has, at least 1.5 s and at most 10 s. What is in flight finishes (an attempt is only
 * started if it fits), and the function still settles it and answers: the batch item failures,
 * the replay report with the held messages released, the reconcile summary.
 */
export const stopBeforeTimeoutMs = (remainingMs: number): number =>
  Math.min(10_000, Math.max(1_500, Math.floor(remainingMs / 10)));

/**
 * Kept back from the deadline by `createMonitor` for settling what its Huawei calls decided (a
 * DLQ send, a delayed copy): no Huawei attempt starts unless it ends this long before it.
 */
export const RESERVE_FOR_SETTLEMENT_MS = 1_000;

/**
 * Epoch milliseconds after which an invocation starts nothing new: its Lambda context's remaining
 * time (only `getRemainingTimeInMillis` is read, so `lib/` needs no Lambda types) less
 * {@link stopBeforeTimeoutMs}.
 */
export const invocationDeadline = (context: { getRemainingTimeInMillis(): number }): number => {
  const remainingMs = context.getRemainingTimeInMillis();
  return Date.now() + Math.max(0, Math.floor(remainingMs - stopBeforeTimeoutMs(remainingMs)));
};

/** The {@link invocationDeadline} with a signal that fires at it, or with `signal`, if sooner. */
export const invocationBudget = (
  context: { getRemainingTimeInMillis(): number },
  signal?: AbortSignal,
) => {
  const deadline = invocationDeadline(context);
  const timeout = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  return {
    /** Epoch milliseconds, from {@link invocationDeadline}: start nothing after it. */
    deadline,
    /** No Huawei attempt may end later than this before `deadline`. */
    reserveForSettlementMs: RESERVE_FOR_SETTLEMENT_MS,
    /** Aborts at the deadline, or when the caller's own signal does. */
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  };
};

/** What an invocation may spend: start nothing after `deadline`; `signal` fires then. */
export type InvocationBudget = ReturnType<typeof invocationBudget>;
