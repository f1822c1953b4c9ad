import { ListMessageMoveTasksCommand } from '@aws-sdk/client-sqs';
import type { SqsClient } from '../aws/index.ts';
import { copyDeadLetters } from './copy.ts';
import { MoveTaskUnavailableError, ReplayOptionsError, ReplayTargetError } from './errors.ts';
import { runMoveTask } from './move-task.ts';
import { hasFilter, isMoveTaskRate, type ReplayOptions } from './options.ts';
import { findSourceQueue, isUnsupportedOperation, queueArn } from './queues.ts';
import type { ReplayReport } from './report.ts';
import type { ReplayRuntime } from './runtime.ts';

/** Where the queues come from when the options do not say: the deployment's configuration. */
export interface QueueDefaults {
  deadLetterQueueUrl?: string | undefined;
  sourceQueueUrl?: string | undefined;
}

/** What the replay settled on before moving anything. */
export interface ReplayStart {
  mode: 'copy' | 'move-task';
  dryRun: boolean;
  dlq: string;
  to: string | undefined;
}

const resolveTarget = async (
  sqs: SqsClient,
  options: ReplayOptions,
  dlq: string,
  defaults: QueueDefaults,
): Promise<{ to: string | undefined; warning?: string }> => {
  const named = options.to ?? defaults.sourceQueueUrl;
  if (named !== undefined) return { to: named };
  try {
    return { to: await findSourceQueue(sqs, dlq) };
  } catch (error: unknown) {
    // A dry run moves nothing, so it can list messages without knowing where they would go.
    if (options.dryRun && error instanceof ReplayTargetError) {
      return { to: undefined, warning: error.message };
    }
    throw error;
  }
};

/** `move-task` when asked for, or when `auto` finds SQS offers it and nothing narrows the replay. */
const chooseMode = async (
  sqs: SqsClient,
  options: ReplayOptions,
  dlqArn: () => Promise<string>,
): Promise<'copy' | 'move-task'> => {
  if (options.mode === 'copy') return 'copy';
  const copyOnly =
    options.dryRun ||
    hasFilter(options) ||
    (options.rate !== undefined && !isMoveTaskRate(options.rate));
  if (options.mode === 'auto' && copyOnly) return 'copy';
  let running: string | undefined;
  try {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: await dlqArn(), MaxResults: 10 }),
    );
    running = Results.find((task) => task.Status === 'RUNNING')?.TaskHandle;
  } catch (error: unknown) {
    if (!isUnsupportedOperation(error)) throw error;
    if (options.mode === 'auto') return 'copy';
    throw new MoveTaskUnavailableError(
      'This SQS endpoint does not offer StartMessageMoveTask: use --mode copy',
      { cause: error },
    );
  }
  if (running !== undefined && !options.dryRun) {
    throw new MoveTaskUnavailableError(
      `A message move task is already running on this queue (task handle ${running}): wait for it, or cancel it`,
    );
  }
  return options.dryRun ? 'copy' : 'move-task';
};

/**
 * Replays dead-lettered messages: settles the DLQ (`dlq`, else the configured `DLQ_URL`) and the
 * target (`to`, else `SOURCE_QUEUE_URL`, else the DLQ's source queue from its redrive
 * settings), picks the mode, and runs it. A dry run always lists by receiving and releasing, so
 * it shows reasons and connection ids whatever the mode. Throws only for what stops a replay
 * before it starts (bad options, no target, no move task); what happens to messages is in the
 * report.
 */
export async function replayDeadLetters(
  sqs: SqsClient,
  options: ReplayOptions,
  runtime: ReplayRuntime & { onStart?: (start: ReplayStart) => void } = {},
  defaults: QueueDefaults = {},
): Promise<ReplayReport> {
  const dlq = options.dlq ?? defaults.deadLetterQueueUrl;
  if (dlq === undefined) {
    throw new ReplayOptionsError('No dead-letter queue: pass --dlq (or "dlq"), or set DLQ_URL');
  }
  const { to, warning } = await resolveTarget(sqs, options, dlq, defaults);
  if (to !== undefined && to.replace(/\/+$/, '') === dlq.replace(/\/+$/, '')) {
    throw new ReplayTargetError(`The target is the dead-letter queue itself (${dlq})`);
  }
  let cachedArn: Promise<string> | undefined;
  const dlqArn = (): Promise<string> => {
    cachedArn ??= queueArn(sqs, dlq);
    return cachedArn;
  };
  const mode = await chooseMode(sqs, options, dlqArn);
  runtime.onStart?.({ mode, dryRun: options.dryRun, dlq, to });
  if (mode === 'move-task' && to !== undefined) {
    return runMoveTask(
      sqs,
      {
        dlqUrl: dlq,
        dlqArn: await dlqArn(),
        targetUrl: to,
        targetArn: await queueArn(sqs, to),
        rate: options.rate,
      },
      runtime,
    );
  }
  const report = await copyDeadLetters(
    sqs,
    {
      dlqUrl: dlq,
      targetUrl: to,
      dryRun: options.dryRun,
      max: options.max,
      rate: options.rate,
      filter: options,
    },
    runtime,
  );
  if (warning !== undefined) report.warnings.unshift(warning);
  return report;
}
