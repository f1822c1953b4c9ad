import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyDeadLetters } from '../../../lib/replay/copy.ts';
import { ReplayTargetError } from '../../../lib/replay/errors.ts';
import { parseReplayOptions, type ReplayRequest } from '../../../lib/replay/options.ts';
import { replayDeadLetters } from '../../../lib/replay/replay.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import {
  attributeJson,
  connectionOf,
  deadLetter,
  drain,
  plainBody,
  sqsClient,
  visibleCount,
} from './queues.ts';

let queues: LocalSqs;
let sqs: SQSClient;

beforeEach(async () => {
  queues = await startSqs({ maxReceiveCount: 1 });
  sqs = sqsClient(queues.endpoint, queues.region);
});

afterEach(async () => {
  sqs.destroy();
  await queues.stop();
});

/** fauxqs answers a short poll with every visible message, so tests need no long poll. */
const FAST = { receiveWaitSeconds: 0 };

const replay = (request: ReplayRequest) =>
  replayDeadLetters(
    sqs,
    parseReplayOptions({ dlq: queues.dlqUrl, to: queues.queueUrl, ...request }),
    FAST,
  );

describe('copy replay against fauxqs', () => {
  it('on a dry run lists every message with its reason and connection, and moves nothing', async () => {
    // Prepare
    const refused = await deadLetter(sqs, queues.dlqUrl, { failure: { code: 'APIGW.0301' } });
    const invalid = await deadLetter(sqs, queues.dlqUrl, {
      failure: { kind: 'invalid-input', code: undefined, status: undefined },
    });
    const redriven = await deadLetter(sqs, queues.dlqUrl);

    // Act
    const report = await replay({ dryRun: true });

    // Assess
    expect(report).toMatchObject({ mode: 'copy', dryRun: true, wouldMove: 3, moved: 0 });
    expect(
      report.messages.map(({ vpnConnectionId, reason, outcome }) => ({
        vpnConnectionId,
        reason,
        outcome,
      })),
    ).toEqual(
      expect.arrayContaining([
        { vpnConnectionId: refused, reason: 'APIGW.0301', outcome: 'would-move' },
        { vpnConnectionId: invalid, reason: 'invalid-input', outcome: 'would-move' },
        { vpnConnectionId: redriven, reason: 'sqs-redrive', outcome: 'would-move' },
      ]),
    );
    expect(report.messages.find((m) => m.vpnConnectionId === redriven)?.description).toBe(
      'unknown (moved by SQS redrive)',
    );
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(3);
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(0);
  });

  it('moves exactly the messages the filters select and leaves the others visible in the DLQ', async () => {
    // Prepare
    const wanted = [
      await deadLetter(sqs, queues.dlqUrl, { failure: { code: 'APIGW.0301' } }),
      await deadLetter(sqs, queues.dlqUrl, { failure: { code: 'APIGW.0301' } }),
    ];
    const other = [
      await deadLetter(sqs, queues.dlqUrl, { failure: { kind: 'rejected', code: 'VPN.0004' } }),
      await deadLetter(sqs, queues.dlqUrl),
    ];

    // Act
    const report = await replay({ reason: 'apigw.0301' });

    // Assess
    expect(report).toMatchObject({ moved: 2, skippedByFilter: 2, failed: 0, stopped: 'drained' });
    expect(report.skippedReasons).toEqual({ 'VPN.0004': 1, 'sqs-redrive': 1 });
    expect((await drain(sqs, queues.queueUrl)).map(connectionOf).sort()).toEqual(wanted.sort());
    expect((await drain(sqs, queues.dlqUrl)).map(connectionOf).sort()).toEqual(other.sort());
  });

  it.each([
    ['a connection', (ids: string[]) => ({ connection: [ids[1] ?? ''] }), [1]],
    ['two connections', (ids: string[]) => ({ connection: [ids[0] ?? '', ids[2] ?? ''] }), [0, 2]],
    ['messages SQS moved itself', () => ({ reason: 'sqs-redrive' }), [2]],
    ['a kind of failure', () => ({ reason: 'rejected' }), [1]],
    [
      'a time window',
      () => ({ since: '2025-01-02T00:00:00Z', until: '2025-01-03T00:00:00Z' }),
      [0],
    ],
  ] as const)('filters on %s', async (_, filter, expected) => {
    // Prepare
    const ids = [
      await deadLetter(sqs, queues.dlqUrl, { failure: { failed_at: '2025-01-02T10:00:00.000Z' } }),
      await deadLetter(sqs, queues.dlqUrl, {
        failure: { kind: 'rejected', code: 'VPN.0004', failed_at: '2025-01-04T10:00:00.000Z' },
      }),
      await deadLetter(sqs, queues.dlqUrl),
    ];

    // Act
    const report = await replay(filter(ids));

    // Assess
    const moved = (await drain(sqs, queues.queueUrl)).map(connectionOf).sort();
    expect(moved).toEqual(expected.map((index) => ids[index]).sort());
    expect(report.moved).toBe(expected.length);
    expect(report.skippedByFilter).toBe(3 - expected.length);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(3 - expected.length);
  });

  it('moves at most max messages', async () => {
    // Prepare
    for (let i = 0; i < 7; i += 1) await deadLetter(sqs, queues.dlqUrl, { failure: {} });

    // Act
    const report = await replay({ max: 3 });

    // Assess
    expect(report).toMatchObject({ moved: 3, stopped: 'max-reached' });
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(3);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(4);
  });

  it('keeps the body and attributes, drops the stale reason and adds replay metadata', async () => {
    // Prepare
    const attributes = {
      tenant: { DataType: 'String', StringValue: 'acme' },
      priority: { DataType: 'Number', StringValue: '7' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    const connection = await deadLetter(sqs, queues.dlqUrl, { failure: {}, attributes });

    // Act
    const report = await replay({});

    // Assess
    expect(report.moved).toBe(1);
    const [copy] = await drain(sqs, queues.queueUrl);
    expect(copy?.Body).toBe(plainBody(connection));
    expect(copy?.MessageAttributes?.tenant).toEqual({ DataType: 'String', StringValue: 'acme' });
    expect(copy?.MessageAttributes?.priority).toEqual({ DataType: 'Number', StringValue: '7' });
    expect([...(copy?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([1, 2, 3]);
    expect(copy?.MessageAttributes?.vpn_monitor_failure).toBeUndefined();
    expect(attributeJson(copy ?? {}, 'vpn_monitor_replay')).toEqual({
      original_message_id: expect.any(String),
      dlq_message_id: report.messages[0]?.messageId,
      replayed_at: expect.any(String),
      replay_count: 1,
      reason: 'APIGW.0301',
    });
  });

  it('counts replays up when a replayed message fails again and is replayed again', async () => {
    // Prepare: replay once, then dead-letter the copy again as createMonitor would
    const connection = await deadLetter(sqs, queues.dlqUrl, { failure: {} });
    await replay({});
    const [first] = await drain(sqs, queues.queueUrl);
    await deadLetter(sqs, queues.dlqUrl, {
      connection,
      failure: { code: 'VPN.0002' },
      attributes: first?.MessageAttributes ?? {},
    });

    // Act
    await replay({});

    // Assess
    const [second] = await drain(sqs, queues.queueUrl);
    const firstMeta = attributeJson(first ?? {}, 'vpn_monitor_replay');
    expect(attributeJson(second ?? {}, 'vpn_monitor_replay')).toMatchObject({
      original_message_id: firstMeta?.original_message_id,
      replay_count: 2,
      reason: 'VPN.0002',
    });
  });

  it('sends a message with 10 attributes of its own unchanged, without replay metadata', async () => {
    // Prepare: SQS redrive keeps all 10 attributes; there is no room for an eleventh
    const attributes = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: `v${i}` }]),
    );
    await deadLetter(sqs, queues.dlqUrl, { attributes });

    // Act
    const report = await replay({});

    // Assess
    expect(report).toMatchObject({ moved: 1, metadataDropped: 1 });
    const [copy] = await drain(sqs, queues.queueUrl);
    expect(Object.keys(copy?.MessageAttributes ?? {}).sort()).toEqual(
      Object.keys(attributes).sort(),
    );
  });

  it('finds the target from the redrive policies when the endpoint has no ListDeadLetterSourceQueues', async () => {
    // Prepare
    await deadLetter(sqs, queues.dlqUrl, { failure: {} });

    // Act
    const report = await replayDeadLetters(sqs, parseReplayOptions({ dlq: queues.dlqUrl }), FAST);

    // Assess
    expect(report).toMatchObject({ mode: 'copy', to: queues.queueUrl, moved: 1 });
  });

  it('does not guess a target when no queue names the DLQ, but still lists on a dry run', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orphan-dlq' }));
    const orphan = `${queues.endpoint}${new URL(QueueUrl ?? '').pathname}`;
    await deadLetter(sqs, orphan, { failure: {} });

    // Act
    const replay = () => replayDeadLetters(sqs, parseReplayOptions({ dlq: orphan }), FAST);
    const onto = () =>
      replayDeadLetters(sqs, parseReplayOptions({ dlq: orphan, to: `${orphan}/` }), FAST);
    const dryRun = await replayDeadLetters(
      sqs,
      parseReplayOptions({ dlq: orphan, dryRun: true }),
      FAST,
    );

    // Assess
    await expect(replay()).rejects.toThrow(ReplayTargetError);
    await expect(replay()).rejects.toThrow(
      /No queue uses .* as its dead-letter queue: name the target with --to/,
    );
    await expect(onto()).rejects.toThrow(/The target is the dead-letter queue itself/);
    expect(dryRun).toMatchObject({ to: undefined, wouldMove: 1 });
    expect(dryRun.warnings[0]).toMatch(/No queue uses/);
    expect(await visibleCount(sqs, orphan)).toBe(1);
  });

  it('keeps the group id and derives the deduplication id on a FIFO queue', async () => {
    // Prepare
    const fifo = await startSqs({
      queueName: `vpn-${randomUUID().slice(0, 8)}.fifo`,
      dlqName: 'dlq.fifo',
    });
    const fifoSqs = sqsClient(fifo.endpoint, fifo.region);
    try {
      await fifoSqs.send(
        new SendMessageCommand({
          QueueUrl: fifo.dlqUrl,
          MessageBody: plainBody(randomUUID()),
          MessageGroupId: 'project-a',
          MessageDeduplicationId: 'dedup-1',
        }),
      );

      // Act
      const report = await copyDeadLetters(
        fifoSqs,
        {
          dlqUrl: fifo.dlqUrl,
          targetUrl: fifo.queueUrl,
          dryRun: false,
          max: undefined,
          rate: undefined,
          filter: { reason: [], connection: [], since: undefined, until: undefined },
        },
        FAST,
      );

      // Assess
      expect(report.moved).toBe(1);
      const [copy] = await drain(fifoSqs, fifo.queueUrl);
      expect(copy?.Attributes?.MessageGroupId).toBe('project-a');
      expect(copy?.Attributes?.MessageDeduplicationId).toBe('dedup-1.replay-1');
    } finally {
      fifoSqs.destroy();
      await fifo.stop();
    }
  });
});
