/** The median of `values`; the mean of the two middle values when their count is even. */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
};

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export const now = (): number => performance.now();

/**
 * Calls `fn(index)` for every index below `total` with at most `concurrency` calls in flight.
 * Resolves with how many calls threw; the first error is kept for the message.
 */
export const runConcurrently = async (
  total: number,
  concurrency: number,
  fn: (index: number) => Promise<unknown>,
): Promise<{ failures: number; firstError: unknown }> => {
  let next = 0;
  let failures = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      try {
        await fn(index);
      } catch (error) {
        failures += 1;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
  return { failures, firstError };
};
