/**
 * How long before its timeout a function starts nothing new: a tenth of the time it has, at
 * least 1.5 s and at most 10 s. What is in flight then finishes (an attempt is only started if
 * it fits), and the function still settles it and answers: the batch item failures, the replay
 * report with the held messages released, the reconcile summary.
 */
export const stopBeforeTimeoutMs = (remainingMs: number): number =>
  Math.min(10_000, Math.max(1_500, Math.floor(remainingMs / 10)));

/**
 * Epoch milliseconds after which an invocation starts nothing new: its Lambda context's remaining
 * time (only `getRemainingTimeInMillis` is read, so `lib/` needs no Lambda types) less
 * {@link stopBeforeTimeoutMs}.
 */
export const invocationDeadline = (context: { getRemainingTimeInMillis(): number }): number => {
  const remainingMs = context.getRemainingTimeInMillis();
  return Date.now() + Math.max(0, Math.floor(remainingMs - stopBeforeTimeoutMs(remainingMs)));
};

/** What an invocation may spend: start nothing after `deadline`; `signal` fires then. */
export interface InvocationBudget {
  /** Epoch milliseconds, from {@link invocationDeadline}. */
  deadline: number;
  /** Aborts at the deadline, or when the caller's own signal does. */
  signal: AbortSignal;
}

/** The {@link invocationDeadline} with a signal that fires at it, or with `signal`, if sooner. */
export const invocationBudget = (
  context: { getRemainingTimeInMillis(): number },
  signal?: AbortSignal,
): InvocationBudget => {
  const deadline = invocationDeadline(context);
  const timeout = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  return { deadline, signal: signal ? AbortSignal.any([signal, timeout]) : timeout };
};
