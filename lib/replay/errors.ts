import { ProvisionerError } from '../errors.ts';

/**
 * The replay options are wrong (a bad flag, an event field of the wrong type, filters with
 * `move-task`): fix the command or the invocation payload and run it again. Nothing was moved.
 */
export class ReplayOptionsError extends ProvisionerError {
  public override name = 'ReplayOptionsError';
}

/**
 * Where to replay to could not be settled: the dead-letter queue has no source queue, or more
 * than one, or the target is the dead-letter queue itself. Name the target with `--to`.
 */
export class ReplayTargetError extends ProvisionerError {
  public override name = 'ReplayTargetError';
}

/**
 * `--mode move-task` was asked for, but the SQS endpoint has no `StartMessageMoveTask` (some
 * emulators), or a move task is already running on the queue. Use `--mode copy`, or wait.
 */
export class MoveTaskUnavailableError extends ProvisionerError {
  public override name = 'MoveTaskUnavailableError';
}
