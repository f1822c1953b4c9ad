import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseReplayOptions } from '../../../lib/replay/options.ts';
import { replayDeadLetters } from '../../../lib/replay/replay.ts';
import { sleep } from '../../../local/aws/loopback.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { connectionOf, deadLetter, drain, sqsClient, visibleCount } from './queues.ts';

let queues: LocalSqs;
let sqs: SQSClient;

beforeEach(async () => {
  queues = await startSqs();
  sqs = sqsClient(queues.endpoint, queues.region);
});

afterEach(async () => {
  sqs.destroy();
  await queues.stop();
});

/** A client whose calls of one command throw, the first `times` times, before reaching SQS. */
const failing = (command: string, times: number): SQSClient => {
  const client = sqsClient(queues.endpoint, queues.region);
  let left = times;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command && left > 0) {
        left -= 1;
        throw Object.assign(new Error(`injected ${command} failure`), { name: 'InjectedFailure' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectFailure' },
  );
  return client;
};

/** Short visibility, so what a failed replay left invisible comes back within the test. */
const RUNTIME = { receiveWaitSeconds: 0, visibilityTimeoutSeconds: 1 };

const options = () => parseReplayOptions({ dlq: queues.dlqUrl, to: queues.queueUrl });

const seed = async (count: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1)
    ids.push(await deadLetter(sqs, queues.dlqUrl, { failure: {} }));
  return ids.sort();
};

describe('a failure between send and delete', () => {
  it('loses nothing and duplicates nothing when the delete fails once', async () => {
    // Prepare
    const ids = await seed(4);
    const client = failing('DeleteMessageBatchCommand', 1);

    // Act
    const report = await replayDeadLetters(client, options(), RUNTIME);
    client.destroy();

    // Assess: the delete is tried again before the replay ends
    expect(report).toMatchObject({ moved: 4, sentNotDeleted: 0, failed: 0 });
    expect((await drain(sqs, queues.queueUrl)).map(connectionOf).sort()).toEqual(ids);
    await sleep(1_200); // had a DLQ copy been left, it would be visible again by now
    expect(await drain(sqs, queues.dlqUrl)).toEqual([]);
  });

  it('leaves the message in both queues when the delete keeps failing, and a second replay finishes the job', async () => {
    // Prepare
    const ids = await seed(3);
    const broken = failing('DeleteMessageBatchCommand', Number.POSITIVE_INFINITY);

    // Act
    const first = await replayDeadLetters(broken, options(), RUNTIME);
    broken.destroy();
    await sleep(1_200); // the DLQ copies become visible again
    const second = await replayDeadLetters(sqs, options(), RUNTIME);

    // Assess: every connection reached the source queue; the duplicates are createMonitor's to absorb
    expect(first).toMatchObject({ moved: 0, sentNotDeleted: 3, stopped: 'drained' });
    expect(first.messages.every((m) => m.error?.includes('injected'))).toBe(true);
    expect(second).toMatchObject({ moved: 3, sentNotDeleted: 0 });
    const delivered = (await drain(sqs, queues.queueUrl)).map(connectionOf).sort();
    expect(delivered).toEqual([...ids, ...ids].sort());
    await sleep(1_200);
    expect(await drain(sqs, queues.dlqUrl)).toEqual([]);
  });

  it('deletes nothing when the send fails, and stops', async () => {
    // Prepare
    const ids = await seed(3);
    const broken = failing('SendMessageBatchCommand', Number.POSITIVE_INFINITY);

    // Act
    const report = await replayDeadLetters(broken, options(), RUNTIME);
    broken.destroy();

    // Assess: released at once, not after the visibility timeout
    expect(report).toMatchObject({ moved: 0, failed: 3, stopped: 'error' });
    expect(report.error).toContain('injected SendMessageBatchCommand failure');
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(0);
    expect((await drain(sqs, queues.dlqUrl)).map(connectionOf).sort()).toEqual(ids);
  });

  it('stops cleanly on the signal and releases what it had not sent', async () => {
    // Prepare
    await seed(12);
    const controller = new AbortController();

    // Act: a slow rate, and the signal after the first message
    const report = await replayDeadLetters(
      sqs,
      parseReplayOptions({ dlq: queues.dlqUrl, to: queues.queueUrl, rate: 2 }),
      {
        ...RUNTIME,
        visibilityTimeoutSeconds: 30,
        onMessage: (message) => {
          if (message.outcome === 'moved') controller.abort();
        },
        signal: controller.signal,
      },
    );

    // Assess: nothing is lost: moved ones are in the queue, the rest visible in the DLQ at once
    expect(report.stopped).toBe('aborted');
    expect(report.moved).toBeGreaterThanOrEqual(1);
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(report.moved);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(12 - report.moved);
  });
});

/** A client that hangs forever at the first call of `command`, as if the process died there. */
const dyingAt = (command: string): { client: SQSClient; died: Promise<void> } => {
  const client = sqsClient(queues.endpoint, queues.region);
  let die: () => void = () => undefined;
  const died = new Promise<void>((resolve) => {
    die = resolve;
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command) return next(args);
      die();
      return new Promise<never>(() => undefined);
    },
    { step: 'initialize', name: 'dieAt' },
  );
  return { client, died };
};

describe('a crash at any point', () => {
  it.each([
    'ReceiveMessageCommand',
    'SendMessageBatchCommand',
    'DeleteMessageBatchCommand',
    'ChangeMessageVisibilityBatchCommand',
  ])('at %s loses nothing: a later replay finishes the job', async (command) => {
    // Prepare: three to move, two the filter skips (held, then released at the end)
    const wanted: string[] = [];
    for (let i = 0; i < 3; i += 1)
      wanted.push(await deadLetter(sqs, queues.dlqUrl, { failure: {} }));
    const others: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      others.push(await deadLetter(sqs, queues.dlqUrl, { failure: { code: 'VPN.0004' } }));
    }
    const filtered = parseReplayOptions({
      dlq: queues.dlqUrl,
      to: queues.queueUrl,
      reason: 'APIGW.0301',
    });
    const { client, died } = dyingAt(command);

    // Act: the replay dies at the command; its messages come back when their visibility ends
    void replayDeadLetters(client, filtered, RUNTIME);
    await died;
    client.destroy();
    await sleep(1_200);
    const after = await replayDeadLetters(sqs, filtered, RUNTIME);

    // Assess
    expect(after.failed).toBe(0);
    const delivered = (await drain(sqs, queues.queueUrl)).map(connectionOf);
    expect(new Set(delivered)).toEqual(new Set(wanted));
    expect((await drain(sqs, queues.dlqUrl)).map(connectionOf).sort()).toEqual(others.sort());
  });
});
