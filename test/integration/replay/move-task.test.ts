import {
  CancelMessageMoveTaskCommand,
  type SQSClient,
  type StartMessageMoveTaskCommandInput,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MoveTaskUnavailableError } from '../../../lib/replay/errors.ts';
import { parseReplayOptions, type ReplayRequest } from '../../../lib/replay/options.ts';
import { replayDeadLetters } from '../../../lib/replay/replay.ts';
import { type MoveTaskSqs, startMoveTaskSqs } from './move-task-sqs.ts';
import {
  attributeJson,
  connectionOf,
  deadLetter,
  drain,
  sqsClient,
  visibleCount,
} from './queues.ts';

let queues: MoveTaskSqs;
let sqs: SQSClient;
let started: StartMessageMoveTaskCommandInput[];

beforeEach(async () => {
  queues = await startMoveTaskSqs();
  sqs = sqsClient(queues.endpoint, queues.region);
  started = [];
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'StartMessageMoveTaskCommand') {
        started.push(args.input as StartMessageMoveTaskCommandInput);
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordMoveTasks' },
  );
});

afterEach(async () => {
  sqs.destroy();
  await queues.stop();
});

const RUNTIME = { receiveWaitSeconds: 0, pollIntervalMs: 100 };

const replay = (request: ReplayRequest, runtime = {}) =>
  replayDeadLetters(sqs, parseReplayOptions({ dlq: queues.dlqUrl, ...request }), {
    ...RUNTIME,
    ...runtime,
  });

const seed = async (count: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1)
    ids.push(await deadLetter(sqs, queues.dlqUrl, { failure: {} }));
  return ids.sort();
};

describe('move-task replay against local-aws-sqs', () => {
  it('is what auto picks with no filter: SQS moves every message, verbatim, to the source queue', async () => {
    // Prepare
    const ids = await seed(4);

    // Act
    const report = await replay({});

    // Assess
    expect(report).toMatchObject({
      mode: 'move-task',
      to: queues.queueUrl,
      stopped: 'task-completed',
      moved: 4,
      task: { status: 'COMPLETED', moved: 4, toMove: 4 },
    });
    expect(started).toEqual([
      {
        SourceArn: 'arn:aws:sqs:eu-west-1:000000000000:vpn-connection-created-dlq',
        DestinationArn: 'arn:aws:sqs:eu-west-1:000000000000:vpn-connection-created',
      },
    ]);
    const moved = await drain(sqs, queues.queueUrl);
    expect(moved.map(connectionOf).sort()).toEqual(ids);
    expect(attributeJson(moved[0] ?? {}, 'vpn_monitor_failure')).toMatchObject({
      code: 'APIGW.0301',
    });
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(0);
  });

  it('asks SQS for the rate and reports progress while the task runs', async () => {
    // Prepare
    await seed(6);
    const progress: number[] = [];

    // Act
    const report = await replay(
      { mode: 'move-task', rate: 5 },
      { onProgress: (p: { moved: number }) => progress.push(p.moved) },
    );

    // Assess
    expect(started[0]?.MaxNumberOfMessagesPerSecond).toBe(5);
    expect(report).toMatchObject({ stopped: 'task-completed', moved: 6 });
    expect(progress.at(-1)).toBe(6);
    expect(new Set(progress).size).toBeGreaterThan(1);
  });

  it('stops following at the deadline and says the task goes on in SQS', async () => {
    // Prepare
    await seed(5);

    // Act
    const report = await replay({ rate: 1 }, { deadline: Date.now() + 1_000 });

    // Assess
    expect(report).toMatchObject({
      mode: 'move-task',
      stopped: 'deadline',
      task: { status: 'RUNNING' },
    });
    expect(report.moved).toBeLessThan(5);
    expect(report.warnings.join(' ')).toContain('CancelMessageMoveTask');
    await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: report.task?.taskHandle }));
  });

  it('refuses to start a second task while one runs', async () => {
    // Prepare
    await seed(5);
    const first = await replay({ rate: 1 }, { deadline: Date.now() + 200 });

    // Act
    const second = replay({ mode: 'move-task' });

    // Assess
    await expect(second).rejects.toBeInstanceOf(MoveTaskUnavailableError);
    await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: first.task?.taskHandle }));
  });

  it('takes copy when a filter is given, even where move tasks exist', async () => {
    // Prepare
    const [one] = await seed(3);

    // Act
    const report = await replay({ connection: one ?? '' });

    // Assess
    expect(report).toMatchObject({ mode: 'copy', moved: 1, skippedByFilter: 2 });
    expect(started).toEqual([]);
  });

  it('on a dry run starts no task', async () => {
    // Prepare
    await seed(2);

    // Act
    const report = await replay({ dryRun: true, mode: 'move-task' });

    // Assess
    expect(report).toMatchObject({ dryRun: true, wouldMove: 2, moved: 0 });
    expect(started).toEqual([]);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(2);
  });
});
