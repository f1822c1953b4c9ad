import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';

/** Powertools' error when another invocation holds the idempotency record right now. */
export const isInProgressElsewhere = (error: unknown): boolean =>
  error instanceof IdempotencyAlreadyInProgressError;

/**
 * On a message's last delivery, another invocation's in-progress record must not end it
 * silently: if that invocation dies, its record expires (with that invocation's own timeout)
 * and nobody would publish. So the step is run again, waiting 250 ms, then twice as long each
 * time up to 2 s, while the record is in progress and the budget allows: it then either finds
 * the finished result (a duplicate), or takes over the expired record and does the work
 * itself. When time runs out first, the in-progress error is thrown for the caller to
 * dead-letter with its reason.
 */
export const runWaitingForOthers = async <T>(
  step: () => Promise<T>,
  budget: { deadline: number; signal?: AbortSignal | undefined; now?: () => number },
): Promise<T> => {
  const now = budget.now ?? Date.now;
  for (let waitMs = 250; ; waitMs = Math.min(2_000, waitMs * 2)) {
    try {
      return await step();
    } catch (error) {
      if (!isInProgressElsewhere(error) || now() + waitMs >= budget.deadline) throw error;
      if (budget.signal?.aborted) throw error;
      await sleep(waitMs, undefined, budget.signal ? { signal: budget.signal } : {}).catch(
        () => undefined,
      );
    }
  }
};
