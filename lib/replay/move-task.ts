import {
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { SqsClient } from '../aws/index.ts';
import { emptyReport, type MoveTaskState, type ReplayReport, type StopReason } from './report.ts';
import { describeError, type ReplayRuntime, stopRequested, systemClock } from './runtime.ts';

/** What a move-task replay does. */
export interface MoveTaskPlan {
  dlqUrl: string;
  dlqArn: string;
  targetUrl: string;
  targetArn: string;
  rate: number | undefined;
}

const FINAL: Readonly<Record<string, StopReason>> = {
  COMPLETED: 'task-completed',
  FAILED: 'task-failed',
  CANCELLED: 'task-cancelled',
};

/**
 * Finds our task among the queue's recent ones (newest first). SQS gives the handle of running
 * tasks only, so a finished one is recognised by its start time, or, when it finished before we
 * first looked, as the newest task: SQS runs one task per queue at a time.
 */
const findTask = (
  results: ListMessageMoveTasksResultEntry[],
  handle: string | undefined,
  startedTimestamp: number | undefined,
): ListMessageMoveTasksResultEntry | undefined =>
  results.find((task) => handle !== undefined && task.TaskHandle === handle) ??
  results.find(
    (task) => startedTimestamp !== undefined && task.StartedTimestamp === startedTimestamp,
  ) ??
  (startedTimestamp === undefined && results[0]?.Status !== 'RUNNING' ? results[0] : undefined);

/**
 * Replays with SQS's own redrive: `StartMessageMoveTask` from the DLQ to the target (named
 * explicitly: messages this project dead-lettered itself have no recorded source, and SQS would
 * fail the task with `CouldNotDetermineMessageSource`), at `rate` messages per second when
 * given. Then follows `ListMessageMoveTasks` until the task ends, or until the deadline or the
 * signal: the task then goes on in SQS, and the report says how to follow or cancel it.
 * SQS moves messages verbatim, `vpn_monitor_failure` included.
 */
export async function runMoveTask(
  sqs: SqsClient,
  plan: MoveTaskPlan,
  runtime: ReplayRuntime = {},
): Promise<ReplayReport> {
  const clock = runtime.clock ?? systemClock;
  const startedAt = clock.now();
  const pollIntervalMs = runtime.pollIntervalMs ?? 1_000;
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: plan.dlqArn,
      DestinationArn: plan.targetArn,
      ...(plan.rate !== undefined ? { MaxNumberOfMessagesPerSecond: plan.rate } : {}),
    }),
  );
  const state: MoveTaskState = {
    taskHandle: TaskHandle,
    status: 'RUNNING',
    moved: 0,
    toMove: undefined,
    failureReason: undefined,
  };
  let startedTimestamp: number | undefined;
  let stopped: StopReason | undefined;
  let error: string | undefined;
  while (stopped === undefined) {
    try {
      const { Results = [] } = await sqs.send(
        new ListMessageMoveTasksCommand({ SourceArn: plan.dlqArn, MaxResults: 10 }),
      );
      const task = findTask(Results, TaskHandle, startedTimestamp);
      if (task !== undefined) {
        startedTimestamp = task.StartedTimestamp;
        state.status = task.Status ?? state.status;
        state.moved = task.ApproximateNumberOfMessagesMoved ?? state.moved;
        state.toMove = task.ApproximateNumberOfMessagesToMove ?? state.toMove;
        state.failureReason = task.FailureReason;
      }
    } catch (caught: unknown) {
      stopped = 'error';
      error = `could not follow the move task: ${describeError(caught)}`;
      break;
    }
    runtime.onProgress?.({
      mode: 'move-task',
      dryRun: false,
      done: state.moved,
      total: state.toMove,
      moved: state.moved,
      wouldMove: 0,
      skippedByFilter: 0,
      failed: 0,
      elapsedMs: clock.now() - startedAt,
    });
    stopped = FINAL[state.status] ?? stopRequested(runtime, clock.now() + pollIntervalMs);
    if (stopped === undefined) await clock.sleep(pollIntervalMs, runtime.signal);
  }
  if (state.status === 'FAILED')
    error = `the move task failed: ${state.failureReason ?? 'no reason given'}`;
  const cancel =
    TaskHandle !== undefined
      ? `, or stop it with CancelMessageMoveTask --task-handle ${TaskHandle}`
      : '';
  const goesOn = `the move task goes on in SQS (status ${state.status}); follow it with ListMessageMoveTasks on ${plan.dlqArn}${cancel}`;
  const notMoved = Math.max(0, (state.toMove ?? state.moved) - state.moved);
  return {
    ...emptyReport({ mode: 'move-task', dryRun: false, dlq: plan.dlqUrl, to: plan.targetUrl }),
    stopped,
    ...(error !== undefined ? { error } : {}),
    moved: state.moved,
    failed: state.status === 'FAILED' ? notMoved : 0,
    left: state.status === 'FAILED' ? 0 : notMoved,
    warnings: FINAL[state.status] === undefined ? [goesOn] : [],
    task: state,
    elapsedMs: clock.now() - startedAt,
  };
}
