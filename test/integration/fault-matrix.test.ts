import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toSqsRecord } from '../../local/aws/sqs-record.ts';
import { ANSWER_PROFILES } from '../../local/huawei-simulator/index.ts';
import {
  CREDENTIALS,
  failedIds,
  PROJECT_ID,
  plainBody,
  sqsRecord,
  startWorld,
  type World,
} from './harness.ts';

// Every case asserts the end state a user would check: monitors in Huawei, events on the bus,
// messages in the DLQ. Each case works on connections of its own.

let world: World;

beforeAll(async () => {
  world = await startWorld({ NOT_READY_DELAY_SECONDS: '7' });
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  // A delayed request of the previous case may still be inside the simulator: let it finish.
  for (let i = 0; i < 100 && world.huawei.stats().inFlight > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  world.huawei.setCredentials([CREDENTIALS]);
  world.huawei.clearFaults();
  world.huawei.resetStats();
  world.aws.eventBridge.clearFaults();
  await world.drainDlq();
});

/** One monitor, one event about it, with the given outcome. */
const expectProvisionedOnce = (id: string, outcome: 'created' | 'already_existed') => {
  const monitors = world.monitorsFor(id);
  const events = world.eventsFor(id);
  expect(monitors).toHaveLength(1);
  expect(events).toHaveLength(1);
  expect(events[0]?.detail).toMatchObject({ outcome, connection_monitor: { id: monitors[0]?.id } });
};

// Every case runs under every answer profile of the simulator: where Huawei's documentation
// does not say how a create is refused (a monitor exists, the connection is not ready or not
// there), each profile answers differently, and the end state must be the same under all.
describe.each(Object.entries(ANSWER_PROFILES))('fault matrix, answer profile %s', (_, profile) => {
  beforeAll(() => {
    world.huawei.setAnswerProfile(profile);
  });

  it('rides out a storm of 429s without Retry-After', async () => {
    // Prepare
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'VPN.0429',
      operation: 'create',
      connectionId: id,
      times: 3,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'created');
    expect(world.huawei.stats().byOperationAndStatus.create).toEqual({ '429': 3, '201': 1 });
  });

  it('honours Retry-After: when the wait does not fit the invocation, the record is left for later', async () => {
    // Prepare: Huawei asks for 60 s; the invocation has 5 s
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'APIGW.0308',
      retryAfter: 60,
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    const record = sqsRecord(plainBody(id));
    // Act
    const response = await world.invoke([record], 5_000);
    // Assess: one call only, nothing created yet, nothing lost
    expect(failedIds(response)).toEqual([record.messageId]);
    expect(world.huawei.stats().byOperation.create).toBe(1);
    expect(world.monitorsFor(id)).toHaveLength(0);
    // Act again: the redelivery succeeds
    const again = await world.invoke([sqsRecord(plainBody(id), { receiveCount: 2 })]);
    expect(failedIds(again)).toEqual([]);
    expectProvisionedOnce(id, 'created');
  });

  it('retries 5xx answers', async () => {
    // Prepare
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'status',
      status: 503,
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    world.huawei.injectFault({
      kind: 'status',
      status: 500,
      code: 'VPN.0002',
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'created');
  });

  it('retries a connection dropped before Huawei handled the create', async () => {
    // Prepare
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'drop-before',
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: the retry created it (a reset before sending is not ambiguous: nothing to look up)
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(id)).toHaveLength(1);
    expect(world.eventsFor(id)).toHaveLength(1);
  });

  it('finds the monitor when the connection dropped after Huawei created it', async () => {
    // Prepare
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'drop-after',
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: still one monitor, and the event carries it
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.huawei.stats().created).toBe(1);
  });

  it('finds the monitor when the answer is slower than the per-attempt timeout', async () => {
    // Prepare: 1.5 s answer, 1 s attempt timeout; Huawei creates the monitor anyway
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'delay',
      ms: 1_500,
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: the retry may win the race with the slow first attempt; either way, one monitor
    expect(failedIds(response)).toEqual([]);
    const [monitor] = world.monitorsFor(id);
    expect(world.monitorsFor(id)).toHaveLength(1);
    expect(world.eventsFor(id).map((e) => e.detail.connection_monitor)).toEqual([
      expect.objectContaining({ id: monitor?.id }),
    ]);
  });

  it('leaves unfinished records for redelivery when the Lambda deadline comes mid-batch', async () => {
    // Prepare: 3 s of invocation, 1.5 s kept back; one connection answers after 2.5 s
    const slow = world.newConnection();
    const fast = world.newConnection();
    world.huawei.injectFault({
      kind: 'delay',
      ms: 2_500,
      operation: 'create',
      connectionId: slow,
      times: 1,
    });
    const slowRecord = sqsRecord(plainBody(slow));
    // Act
    const response = await world.invoke([sqsRecord(plainBody(fast)), slowRecord], 3_000);
    // Assess: the fast one is done, the slow one is left, not lost
    expect(failedIds(response)).toEqual([slowRecord.messageId]);
    expectProvisionedOnce(fast, 'created');
    expect(world.eventsFor(slow)).toHaveLength(0);
    // Act: redelivery
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again = await world.invoke([sqsRecord(plainBody(slow), { receiveCount: 2 })]);
    // Assess
    expect(failedIds(again)).toEqual([]);
    expect(world.monitorsFor(slow)).toHaveLength(1);
    expect(world.eventsFor(slow)).toHaveLength(1);
  });

  it('publishes on the next delivery when publishing failed after the create, with the same monitor', async () => {
    // Prepare: EventBridge fails every request of the first invocation
    const id = world.newConnection();
    world.aws.eventBridge.failRequests(1_000, 500);
    const record = sqsRecord(plainBody(id));
    // Act
    const first = await world.invoke([record], 4_000);
    const created = world.monitorsFor(id);
    world.aws.eventBridge.clearFaults();
    const second = await world.invoke([sqsRecord(plainBody(id), { receiveCount: 2 })]);
    // Assess: the first delivery created the monitor and is left for redelivery; the second
    // finds that monitor (Huawei refuses the second create, the list finds it) and publishes it
    expect(failedIds(first)).toEqual([record.messageId]);
    expect(created).toHaveLength(1);
    expect(failedIds(second)).toEqual([]);
    const creates = world.huawei.stats().byOperationAndStatus.create ?? {};
    expect(creates['201']).toBe(1);
    expect(Object.entries(creates).filter(([status]) => status !== '201')).toEqual([
      [expect.stringMatching(/^4\d\d$/), 1],
    ]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.eventsFor(id)[0]?.detail).toMatchObject({
      connection_monitor: { id: created[0]?.id },
    });
  });

  it('counts a PutEvents partial failure as a failure, and retries it', async () => {
    // Prepare: the first entry is refused inside a 200 answer
    const id = world.newConnection();
    world.aws.eventBridge.failNext(1);
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'created');
    expect(world.aws.eventBridge.stats().failedEntries).toBeGreaterThanOrEqual(1);
  });

  it('handles the same connection twice in one batch once', async () => {
    // Prepare
    const id = world.newConnection();
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id)), sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'created');
  });

  it('gives one monitor and one event to two concurrent invocations for one connection', async () => {
    // Prepare: slow enough that both invocations overlap
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'delay',
      ms: 300,
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    // Act
    const responses = await Promise.all([
      world.invoke([sqsRecord(plainBody(id))]),
      world.invoke([sqsRecord(plainBody(id))]),
    ]);
    const retried = responses.flatMap(failedIds);
    // the one that found the other in progress is redelivered later
    const redelivered = await Promise.all(
      retried.map(() => world.invoke([sqsRecord(plainBody(id), { receiveCount: 2 })])),
    );
    // Assess
    expect(redelivered.flatMap(failedIds)).toEqual([]);
    expectProvisionedOnce(id, 'created');
  });

  it('replays a handled connection after its idempotency record expired: no second monitor, same event id', async () => {
    // Prepare
    const id = world.newConnection();
    await world.invoke([sqsRecord(plainBody(id))]);
    const firstEvent = world.eventsFor(id)[0];
    const items = await world.aws.clients.dynamodb.send(
      new ScanCommand({ TableName: world.aws.dynamoDb.tableName }),
    );
    for (const item of items.Items ?? []) {
      await world.aws.clients.dynamodb.send(
        new DeleteItemCommand({
          TableName: world.aws.dynamoDb.tableName,
          Key: { id: item.id as { S: string } },
        }),
      );
    }
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: Huawei's one-monitor rule holds; the repeat event has the same identity
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(id)).toHaveLength(1);
    const events = world.eventsFor(id);
    expect(events).toHaveLength(2);
    expect(events[1]?.detail).toMatchObject({
      outcome: 'already_existed',
      event_id: firstEvent?.detail.event_id,
    });
    expect(await world.drainDlq()).toEqual([]);
  });

  it('stops calling Huawei after the credentials are refused, then recovers once they are fixed', async () => {
    // Prepare: the key was rotated on the Huawei side
    const ids = [
      world.newConnection(),
      world.newConnection(),
      world.newConnection(),
      world.newConnection(),
    ];
    world.huawei.setCredentials([
      { ak: CREDENTIALS.ak, sk: 'rotated-secret-key-the-function-lacks' },
    ]);
    const records = ids.map((id) => sqsRecord(plainBody(id)));
    // Act
    const refused = await world.invoke(records);
    // Assess: one refused call, not four; every record left for redelivery
    expect(world.huawei.stats().authFailures).toBe(1);
    expect(failedIds(refused).sort()).toEqual(records.map((r) => r.messageId).sort());
    // Act: on the last delivery the records go to the DLQ with the reason
    const last = await world.invoke(ids.map((id) => sqsRecord(plainBody(id), { receiveCount: 3 })));
    const dlq = await world.drainDlq();
    expect(failedIds(last)).toEqual([]);
    expect(dlq).toHaveLength(4);
    for (const m of dlq)
      expect(m.reason).toMatchObject({
        kind: 'retries-exhausted',
        code: 'APIGW.0301',
        status: 401,
      });
    expect(world.huawei.stats().authFailures).toBe(2);
    // Act: credentials fixed, the messages replayed
    world.huawei.setCredentials([CREDENTIALS]);
    const fixed = await world.invoke(dlq.map((m) => sqsRecord(m.body)));
    // Assess
    expect(failedIds(fixed)).toEqual([]);
    for (const id of ids) expectProvisionedOnce(id, 'created');
  });

  it('dead-letters a connection Huawei does not know once its event is past the grace period', async () => {
    // Prepare: a well-formed id the simulator has never heard of, announced 10 minutes ago
    // (behaviour changed: a refused create is decided by showing the connection, and one not
    // found within NOT_FOUND_GRACE_SECONDS of its event waits instead)
    const record = sqsRecord(plainBody('0000aaaa-bbbb-cccc-dddd-eeeeffff0000'), {
      sentAt: Date.now() - 600_000,
    });
    // Act
    const response = await world.invoke([record]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    const [message] = await world.drainDlq();
    expect(message?.reason).toMatchObject({
      kind: 'rejected',
      connection_status: 'NOT_FOUND',
      attempts: 1,
    });
    expect(message?.reason?.message).toContain('connection not found');
    expect(message?.reason?.request_id).toEqual(expect.any(String));
  });

  it('waits for a connection that is not ready with a delayed copy, not by holding the record', async () => {
    // Prepare: a real message on the source queue, about a connection still being created
    // (behaviour changed: the wait no longer burns deliveries with ChangeMessageVisibility)
    const id = world.newConnection();
    world.huawei.setConnectionStatus(PROJECT_ID, id, 'PENDING_CREATE');
    const { sqs } = world.aws.clients;
    const queueUrl = world.aws.sqs.queueUrl;
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: plainBody(id) }));
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const message = received.Messages?.[0];
    expect(message).toBeDefined();
    const record = toSqsRecord(message as NonNullable<typeof message>, {
      queueArn: world.aws.sqs.queueArn,
      region: world.aws.region,
    });
    // Act
    const response = await world.invoke([{ ...record, eventSourceARN: world.aws.sqs.queueArn }]);
    // Assess: the record is done (Lambda deletes it); its copy waits on the queue, delayed
    expect(failedIds(response)).toEqual([]);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }),
    );
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
    expect(world.monitorsFor(id)).toHaveLength(0);
    expect(await world.drainDlq()).toEqual([]);
  });
});
