import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplayedMessage, ReplayProgress, ReplayStart, StopReason } from './report.ts';

/** Time as a replay sees it; tests pass a virtual one. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock; an aborted sleep resolves at once. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    sleep(Math.max(0, ms), undefined, signal ? { signal } : {}).catch(() => undefined),
};

/** How a replay runs, as opposed to what it does: limits, hooks for displays, test knobs. */
export interface ReplayRuntime {
  /** Epoch milliseconds: start nothing new after this (the Lambda's timeout, less a margin). */
  deadline?: number | undefined;
  /** Stops the replay cleanly (Ctrl-C): in-flight sends finish, held messages are released. */
  signal?: AbortSignal | undefined;
  /** Called once the replay has settled its queues and mode, before it moves anything. */
  onStart?: ((start: ReplayStart) => void) | undefined;
  /** Called after each batch with the counts so far. */
  onProgress?: ((progress: ReplayProgress) => void) | undefined;
  /** Called with each matching message once its outcome is known (a dry run's listing). */
  onMessage?: ((message: ReplayedMessage) => void) | undefined;
  clock?: Clock | undefined;
  /** Long-poll wait of each receive, 0-20 s; default 1, enough for SQS to look everywhere. */
  receiveWaitSeconds?: number | undefined;
  /** Visibility timeout of received messages; default from the rate, at least 30 s. */
  visibilityTimeoutSeconds?: number | undefined;
  /** Pause between `ListMessageMoveTasks` calls; default 1 000 ms. */
  pollIntervalMs?: number | undefined;
}

/** Why to stop now, or `undefined` to go on. */
export function stopRequested(runtime: ReplayRuntime, now: number): StopReason | undefined {
  if (runtime.signal?.aborted) return 'aborted';
  if (runtime.deadline !== undefined && now >= runtime.deadline) return 'deadline';
  return undefined;
}

/** An error as one line for a report. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
