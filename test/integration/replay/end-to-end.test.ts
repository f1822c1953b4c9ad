import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayRequest } from '../../../lib/replay/options.ts';
import type { ReplayReport } from '../../../lib/replay/report.ts';
import { runEventSourceMapping } from '../../../local/aws/event-source-mapping.ts';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import { CREDENTIALS, PROJECT_ID, plainBody, startWorld, type World } from '../harness.ts';
import { deadLetter, drain, visibleCount } from './queues.ts';

type ReplayHandler = (event: ReplayRequest, context: Context) => Promise<ReplayReport>;

let world: World;
let replayDlq: ReplayHandler;

beforeAll(async () => {
  // startWorld points DLQ_URL and SOURCE_QUEUE_URL at the local queues, as serverless.yml does.
  // A short breaker cool-down (1 s, then 5 s, then held): the refused records reach the DLQ
  // within the test rather than after production's minutes.
  world = await startWorld({ HUAWEI_BREAKER_COOLDOWN_SECONDS: '1' });
  ({ handler: replayDlq } = (await import('../../../handlers/replay-dlq.ts')) as {
    handler: ReplayHandler;
  });
});

afterAll(async () => {
  await world?.stop();
});

/** createMonitor on the source queue, as Lambda's event source mapping runs it, until it is empty. */
const consumeSourceQueue = () =>
  runEventSourceMapping({
    sqs: world.aws.clients.sqs,
    queueUrl: world.aws.sqs.queueUrl,
    queueArn: world.aws.sqs.queueArn,
    handler: world.handler,
    functionName: 'createMonitor',
    // One invocation at a time: each refused one costs one authentication failure, and five
    // would lock the key for five minutes.
    concurrency: 1,
    untilEmpty: true,
  }).finished;

const lambdaContext = (): Context =>
  createLambdaContext(
    {
      functionName: 'replayDlq',
      region: world.aws.region,
      accountId: '000000000000',
      timeoutMs: 300_000,
      memoryLimitInMB: 256,
    },
    newLogStreamName(),
  );

describe('DLQ replay on the local stack', () => {
  it('brings back events that failed on bad credentials: one monitor per connection, no duplicates', async () => {
    // Prepare: one connection handled before the outage, and dead-lettered once more by mistake
    const { sqs } = world.aws.clients;
    const done = world.newConnection();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: world.aws.sqs.queueUrl, MessageBody: plainBody(done) }),
    );
    await consumeSourceQueue();
    await deadLetter(sqs, world.aws.sqs.dlqUrl, {
      connection: done,
      body: plainBody(done),
      failure: {},
    });
    // The Huawei key is rotated; the function still has the old one
    world.huawei.setCredentials([
      { ak: CREDENTIALS.ak, sk: 'rotated-secret-key-the-function-lacks' },
    ]);
    const failed = Array.from({ length: 6 }, () => world.newConnection());
    for (const id of failed) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: world.aws.sqs.queueUrl, MessageBody: plainBody(id) }),
      );
    }
    await consumeSourceQueue();
    const dryRun = await replayDlq({ dryRun: true }, lambdaContext());
    world.huawei.setCredentials([CREDENTIALS]);
    // The key was fixed on Huawei's side, not changed in the function's environment: the
    // fleet's credential breaker still holds it (issue 12), so the operator clears it, as the
    // README's runbook says, before replaying.
    await world.clearBreakers();

    // Act
    const report = await replayDlq({}, lambdaContext());
    await consumeSourceQueue();

    // Assess
    expect(dryRun).toMatchObject({ wouldMove: 7, moved: 0 });
    expect(dryRun.reasons['APIGW.0301']).toBe(7);
    expect(new Set(dryRun.messages.map((m) => m.vpnConnectionId))).toEqual(
      new Set([done, ...failed]),
    );
    expect(report).toMatchObject({ mode: 'copy', moved: 7, failed: 0, stopped: 'drained' });
    for (const id of [done, ...failed]) {
      const monitors = world.huawei.monitors(PROJECT_ID).filter((m) => m.vpn_connection_id === id);
      const events = world.aws.eventBridge
        .events()
        .filter((e) => e.detail.vpn_connection_id === id);
      expect(monitors, id).toHaveLength(1);
      expect(events.length, id).toBeGreaterThanOrEqual(1);
      for (const event of events) {
        expect(event.detail).toMatchObject({ connection_monitor: { id: monitors[0]?.id } });
      }
    }
    const doneEvents = world.aws.eventBridge
      .events()
      .filter((e) => e.detail.vpn_connection_id === done);
    expect(doneEvents).toHaveLength(1);
    expect(await visibleCount(sqs, world.aws.sqs.dlqUrl)).toBe(0);
    expect(await drain(sqs, world.aws.sqs.dlqUrl)).toEqual([]);
  });
});
