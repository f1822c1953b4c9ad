import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
} from '@aws-sdk/client-sqs';
import type { SqsClient } from '../aws/index.ts';
import type { ReplayConfig } from '../config/index.ts';
import * as z from '../zod.ts';
import { copyDeadLetters } from './copy.ts';
import { MoveTaskUnavailableError, ReplayOptionsError, ReplayTargetError } from './errors.ts';
import { runMoveTask } from './move-task.ts';
import { hasFilter, isMoveTaskRate, type ReplayOptions } from './options.ts';
import type { ReplayReport } from './report.ts';
import type { ReplayRuntime } from './runtime.ts';

/** Error names of an SQS endpoint that does not implement an action (emulators). */
const UNSUPPORTED = new Set([
  'InvalidAction',
  'UnknownOperation',
  'UnknownOperationException',
  'UnsupportedOperation',
  'NotImplemented',
]);

const isUnsupportedOperation = (error: unknown): boolean =>
  error instanceof Error && UNSUPPORTED.has(error.name);

/** Queues looked at, at most, when finding a source queue without `ListDeadLetterSourceQueues`. */
const MAX_QUEUES_SCANNED = 1_000;

const redrivePolicySchema = z.object({ deadLetterTargetArn: z.string() });

/**
 * The URL of a queue as reached through `reference`'s origin. Queues of one region share an
 * origin in AWS; emulators sometimes answer with host names that do not resolve.
 */
const onOriginOf = (reference: string, queueUrl: string): string =>
  new URL(new URL(queueUrl).pathname, new URL(reference).origin).href;

const queueArn = async (sqs: SqsClient, queueUrl: string): Promise<string> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new ReplayTargetError(`SQS gave no QueueArn for ${queueUrl}`);
  return arn;
};

const scanForSources = async (sqs: SqsClient, dlqUrl: string): Promise<string[]> => {
  const dlqArn = await queueArn(sqs, dlqUrl);
  const sources: string[] = [];
  let scanned = 0;
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 1000, NextToken: nextToken }));
    for (const listed of page.QueueUrls ?? []) {
      if (scanned++ >= MAX_QUEUES_SCANNED) return sources;
      const url = onOriginOf(dlqUrl, listed);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
      );
      const policy = z.parseJsonWith(Attributes?.RedrivePolicy, redrivePolicySchema);
      if (policy?.deadLetterTargetArn === dlqArn) sources.push(url);
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return sources;
};

/**
 * Finds the queue whose redrive policy names `dlqUrl` as its dead-letter queue, with
 * `ListDeadLetterSourceQueues`; on an endpoint without that action, by reading the redrive
 * policy of each queue `ListQueues` shows. Throws a {@link ReplayTargetError} when there is no
 * such queue, or more than one: then the operator must say where with `--to`.
 */
const findSourceQueue = async (sqs: SqsClient, dlqUrl: string): Promise<string> => {
  let sources: string[];
  try {
    const { queueUrls } = await sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, MaxResults: 10 }),
    );
    sources = (queueUrls ?? []).map((url) => onOriginOf(dlqUrl, url));
  } catch (error: unknown) {
    if (!isUnsupportedOperation(error)) throw error;
    sources = await scanForSources(sqs, dlqUrl);
  }
  const [only, ...others] = sources;
  if (only === undefined) {
    throw new ReplayTargetError(
      `No queue uses ${dlqUrl} as its dead-letter queue: name the target with --to`,
    );
  }
  if (others.length > 0) {
    throw new ReplayTargetError(
      `${sources.length} queues use ${dlqUrl} as their dead-letter queue (${sources.join(', ')}): choose one with --to`,
    );
  }
  return only;
};

const resolveTarget = async (
  sqs: SqsClient,
  options: ReplayOptions,
  dlq: string,
  defaults: Partial<ReplayConfig>,
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
  runtime: ReplayRuntime = {},
  defaults: Partial<ReplayConfig> = {},
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
