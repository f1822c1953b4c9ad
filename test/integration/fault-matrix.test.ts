import { createHash } from 'node:crypto';
import { DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
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
  REGION,
  sqsRecord,
  startWorld,
  type World,
} from './harness.ts';

// Every case asserts the end state a user would check: monitors in Huawei, events on the bus,
// messages in the DLQ. Each case works on connections of its own.

let world: World;

beforeAll(async () => {
  world = await startWorld({
    NOT_READY_DELAY_SECONDS: '7',
    HUAWEI_BREAKER_COOLDOWN_SECONDS: '1',
  });
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
  await world.clearBreakers();
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
    // A container of its own: what its pacer learns from the 429s stays with it.
    const response = await world.newContainer()([sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'created');
    expect(world.huawei.stats().byOperationAndStatus.create).toEqual({ '429': 3, '201': 1 });
  });

  it('honours Retry-After: when the wait does not fit the invocation, the record is left for later', async () => {
    // Prepare: Huawei asks for 4 s; the invocation has 3 s (0.5 s of it to work in)
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'APIGW.0308',
      retryAfter: 4,
      operation: 'create',
      connectionId: id,
      times: 1,
    });
    const record = sqsRecord(plainBody(id));
    const container = world.newContainer();
    // Act
    const response = await container([record], 3_000);
    const early = await container([sqsRecord(plainBody(id), { receiveCount: 2 })], 3_000);
    // Assess: one call only, nothing created yet, nothing lost; a redelivery within the wait
    // makes no call at all (the pacer holds the project's calls for the 4 s Huawei asked)
    expect(failedIds(response)).toEqual([record.messageId]);
    expect(failedIds(early)).toHaveLength(1);
    expect(world.huawei.stats().byOperation.create).toBe(1);
    expect(world.monitorsFor(id)).toHaveLength(0);
    // Act again: once the wait is over, the redelivery succeeds
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const again = await container([sqsRecord(plainBody(id), { receiveCount: 3 })]);
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

  it('finds the monitor when a create that went through is answered with truncated JSON (201)', async () => {
    // Prepare: Huawei created the monitor; a proxy cut its answer in half
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'garble',
      form: 'truncated',
      status: 201,
      operation: 'create',
      connectionId: id,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: one monitor, its event, nothing dead-lettered
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.huawei.stats().created).toBe(1);
    expect(await world.drainDlq()).toEqual([]);
  });

  it('finds the monitor when every create is answered with an HTML page (200)', async () => {
    // Prepare: every create answer replaced by a gateway's HTML page; the list is read fine
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'garble',
      form: 'html',
      status: 200,
      operation: 'create',
      connectionId: id,
      times: 50,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: decided from Huawei's state, as after a reset
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.huawei.stats().created).toBe(1);
  });

  it('dead-letters with what was seen when neither the create nor the list can be read, and a replay publishes', async () => {
    // Prepare: create and list of this connection answered with HTML pages, on the last delivery
    const id = world.newConnection();
    for (const operation of ['create', 'list'] as const) {
      world.huawei.injectFault({
        kind: 'garble',
        form: 'html',
        status: 200,
        operation,
        connectionId: id,
        times: 50,
      });
    }
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id), { receiveCount: 3 })]);
    const dlq = await world.drainDlq();
    // Assess: no event about a monitor nobody could read; the reason names what was seen
    expect(failedIds(response)).toEqual([]);
    expect(world.eventsFor(id)).toHaveLength(0);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.reason).toMatchObject({ kind: 'retries-exhausted', status: 200 });
    expect(dlq[0]?.reason?.message).toContain('unreadable answer, HTTP 200, text/html');
    // Act: the answers are readable again; the operator replays the message
    world.huawei.clearFaults();
    const replayed = await world.invoke([sqsRecord(dlq[0]?.body ?? '')]);
    // Assess: the monitor Huawei created is found and published
    expect(failedIds(replayed)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
  });

  it('asks a garbled list again after an unanswered create', async () => {
    // Prepare: the create went through but its connection dropped; the first list is cut short
    const id = world.newConnection();
    world.huawei.injectFault({ kind: 'drop-after', operation: 'create', connectionId: id });
    world.huawei.injectFault({
      kind: 'garble',
      form: 'truncated',
      status: 200,
      operation: 'list',
      connectionId: id,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.huawei.stats().created).toBe(1);
  });

  it('never publishes a create answered about another connection', async () => {
    // Prepare: Huawei created this connection's monitor; the answer names another connection
    const id = world.newConnection();
    world.huawei.injectFault({ kind: 'another-connection', operation: 'create', connectionId: id });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess: the one event carries this connection's own monitor, read from Huawei's state
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.eventsFor(id)[0]?.detail).toMatchObject({
      connection_monitor: { vpn_connection_id: id },
    });
    expect(
      world.aws.eventBridge
        .events()
        .filter((e) => JSON.stringify(e.detail).includes(id) && e.detail.vpn_connection_id !== id),
    ).toEqual([]);
  });

  it('asks again when the list answers about another connection', async () => {
    // Prepare: an unanswered create, then a list holding another connection's monitor
    const id = world.newConnection();
    world.huawei.injectFault({ kind: 'drop-after', operation: 'create', connectionId: id });
    world.huawei.injectFault({ kind: 'another-connection', operation: 'list', connectionId: id });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'already_existed');
    expect(world.eventsFor(id)[0]?.detail).toMatchObject({
      connection_monitor: { vpn_connection_id: id },
    });
  });

  it('keeps the secret key out of the reason when a 3xx echoes it, escaped', async () => {
    // Prepare: a gateway answers every create with a redirect whose error body echoes the
    // secret key, once plain and once written with JSON escapes
    const id = world.newConnection();
    const escaped = [...CREDENTIALS.sk]
      .map((c, i) => (i % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))
      .join('');
    world.huawei.injectFault({
      kind: 'answer',
      status: 302,
      body: `{"error_code":"APIGW.0301","error_msg":"sk ${CREDENTIALS.sk} again ${escaped}","request_id":"${escaped}"}`,
      handled: false,
      operation: 'create',
      connectionId: id,
      times: 50,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(id), { receiveCount: 3 })]);
    const dlq = await world.drainDlq();
    // Assess: dead-lettered with its reason, and no 16 characters of the key in a row in it
    expect(failedIds(response)).toEqual([]);
    expect(dlq).toHaveLength(1);
    const reason = JSON.stringify(dlq[0]?.reason);
    expect(reason).toContain('HTTP 302');
    for (let i = 0; i + 16 <= CREDENTIALS.sk.length; i++) {
      expect(reason).not.toContain(CREDENTIALS.sk.slice(i, i + 16));
    }
  });

  it("keeps the reason of a body at the source queue's limit, and no character SQS refuses", async () => {
    // Prepare: a body of exactly 256 KiB about a connection Huawei does not know (announced 10
    // minutes ago), whose refusal carries a long message; an id written as the escape \uffff
    const unknown = '0000aaaa-bbbb-cccc-dddd-eeeeffff0001';
    const fields = JSON.stringify({
      vpn_connection_id: unknown,
      project_id: PROJECT_ID,
      region: REGION,
      padding: '',
    });
    const big = fields.replace(
      '"padding":""',
      `"padding":"${'x'.repeat(256 * 1024 - Buffer.byteLength(fields))}"`,
    );
    expect(Buffer.byteLength(big)).toBe(256 * 1024);
    world.huawei.injectFault({
      kind: 'status',
      status: 400,
      message: `refused: ${'é'.repeat(600)}`,
      operation: 'create',
      connectionId: unknown,
    });
    const odd =
      '{"vpn_connection_id":"\\uffff0000-0000-0000-0000-000000000000","project_id":"\\uffff"}';
    // Act
    const response = await world.invoke([
      sqsRecord(big, { sentAt: Date.now() - 600_000 }),
      sqsRecord(odd),
    ]);
    const dlq = await world.drainDlq();
    // Assess: both in the DLQ with their reasons, bodies unchanged
    expect(failedIds(response)).toEqual([]);
    expect(dlq.map((m) => m.body).sort()).toEqual([big, odd].sort());
    const bigReason = dlq.find((m) => m.body === big)?.reason;
    expect(bigReason).toMatchObject({ kind: 'rejected', connection_status: 'NOT_FOUND' });
    const oddReason = JSON.stringify(dlq.find((m) => m.body === odd)?.reason);
    expect(oddReason).toContain('invalid-input');
    expect(oddReason).not.toMatch(/[\uFFFE\uFFFF]/);
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

  it('publishes a batch of ten with one PutEvents; a refused entry retries only its record', async () => {
    // Prepare
    const ids = Array.from({ length: 10 }, () => world.newConnection());
    const before = world.aws.eventBridge.stats();
    // Act
    const clean = await world.invoke(ids.map((id) => sqsRecord(plainBody(id))));
    const between = world.aws.eventBridge.stats();
    const again = Array.from({ length: 10 }, () => world.newConnection());
    world.aws.eventBridge.failNext(1);
    const refused = await world.invoke(again.map((id) => sqsRecord(plainBody(id))));
    const after = world.aws.eventBridge.stats();
    // Assess: one call for ten events; with one entry refused, one more call for that one
    expect(failedIds(clean)).toEqual([]);
    expect(between.requests - before.requests).toBe(1);
    expect(failedIds(refused)).toEqual([]);
    expect(after.requests - between.requests).toBe(2);
    expect(after.failedEntries - between.failedEntries).toBe(1);
    for (const id of [...ids, ...again]) expectProvisionedOnce(id, 'created');
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
    // the fleet's breaker is open: the last delivery made no call with the refused key
    expect(world.huawei.stats().authFailures).toBe(1);
    // Act: credentials fixed, the messages replayed once the breaker's cool-down (1 s) is over
    world.huawei.setCredentials([CREDENTIALS]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
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

describe('fault matrix: the fleet', () => {
  /** The DLQ messages about these connections (another case's late ones are not ours). */
  const dlqAbout = <T extends { body: string }>(dlq: T[], ids: readonly string[]) =>
    dlq.filter((m) => ids.some((id) => m.body.includes(id)));

  /**
   * Writes the in-progress idempotency record an invocation leaves when it dies mid-step
   * (Powertools' item: key prefix and md5 of the key, INPROGRESS, expiring with its Lambda).
   */
  const leaveInProgressRecord = async (vpnConnectionId: string, expiresInMs: number) => {
    const key = JSON.stringify(`${PROJECT_ID}:${vpnConnectionId}`);
    const hash = createHash('md5').update(key).digest('base64');
    await world.aws.clients.dynamodb.send(
      new PutItemCommand({
        TableName: world.aws.dynamoDb.tableName,
        Item: {
          id: { S: `vpn-monitor-provisioner.connection#${hash}` },
          status: { S: 'INPROGRESS' },
          expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) },
          in_progress_expiration: { N: String(Date.now() + expiresInMs) },
        },
      }),
    );
  };

  it('publishes on the last delivery when the invocation holding the connection died', async () => {
    // Prepare: another invocation took the connection and died; its record lasts 1.5 s more
    const id = world.newConnection();
    await leaveInProgressRecord(id, 1_500);
    // Act: the message's last delivery
    const response = await world.invoke([sqsRecord(plainBody(id), { receiveCount: 3 })]);
    // Assess: it waited for the record to expire, then did the work itself
    expect(failedIds(response)).toEqual([]);
    expectProvisionedOnce(id, 'created');
    expect(dlqAbout(await world.drainDlq(), [id])).toEqual([]);
  });

  it('waits for the other invocation by the injected clock, not the wall clock', async () => {
    // Prepare: the same died invocation as above, and a container whose clock reads a minute
    // ahead, past this invocation's budget: by that clock there is no time left to wait
    const id = world.newConnection();
    await leaveInProgressRecord(id, 1_500);
    const container = world.newContainer({ now: () => Date.now() + 60_000 });
    // Act
    const response = await container([sqsRecord(plainBody(id), { receiveCount: 3 })]);
    // Assess: it did not wait the 1.5 s by the wall clock; the last delivery is dead-lettered
    expect(failedIds(response)).toEqual([]);
    expect(world.eventsFor(id)).toHaveLength(0);
    const dlq = dlqAbout(await world.drainDlq(), [id]);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.reason).toMatchObject({
      kind: 'retries-exhausted',
      message: expect.stringContaining('another invocation'),
    });
  });

  it('dead-letters the last delivery with its reason when the other invocation outlasts it', async () => {
    // Prepare: the other invocation's record outlives this invocation's 4 s
    const id = world.newConnection();
    await leaveInProgressRecord(id, 60_000);
    const record = sqsRecord(plainBody(id), { receiveCount: 3 });
    // Act
    const response = await world.invoke([record], 4_000);
    // Assess: never neither: no event yet, so the message is in the DLQ and says why
    expect(failedIds(response)).toEqual([]);
    expect(world.eventsFor(id)).toHaveLength(0);
    // Exactly one dead letter about this connection; a late one of an earlier case is not ours.
    const dlq = dlqAbout(await world.drainDlq(), [id]);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.reason).toMatchObject({
      kind: 'retries-exhausted',
      vpn_connection_id: id,
      message: expect.stringContaining('another invocation'),
    });
    expect(JSON.parse(dlq[0]?.body ?? '{}')).toMatchObject({ region: REGION });
  });

  const REVOKED = { ak: CREDENTIALS.ak, sk: 'rotated-secret-key-the-function-lacks' };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Fixes the key on Huawei's side and clears the breaker, then checks the key still works. */
  const expectKeyNotLocked = async (ids: string[]) => {
    world.huawei.setCredentials([CREDENTIALS]);
    await world.clearBreakers();
    const response = await world.newContainer()(ids.map((id) => sqsRecord(plainBody(id))));
    expect(failedIds(response)).toEqual([]);
    for (const id of ids) expectProvisionedOnce(id, 'created');
    expect(world.huawei.stats().lockedRefusals).toBe(0);
  };

  it('ten containers at once with a revoked key send one refused call, and lose nothing', async () => {
    // Prepare: the key worked a moment ago (another container proved it), then was revoked
    await world.newContainer()([sqsRecord(plainBody(world.newConnection()))]);
    world.huawei.setCredentials([REVOKED]);
    world.huawei.resetStats();
    const ids = Array.from({ length: 20 }, () => world.newConnection());
    const containers = Array.from({ length: 10 }, () => world.newContainer());
    // Act: ten cold containers, two records each, all at once
    const responses = await Promise.all(
      containers.map((invoke, i) =>
        invoke(ids.slice(2 * i, 2 * i + 2).map((id) => sqsRecord(plainBody(id)))),
      ),
    );
    // Assess: one probe was refused; every record is left for redelivery, none dead-lettered
    expect(world.huawei.stats().authFailures).toBe(1);
    expect(responses.flatMap(failedIds)).toHaveLength(20);
    expect(dlqAbout(await world.drainDlq(), ids)).toEqual([]);
    await expectKeyNotLocked(ids);
  });

  it('fifty invocations in a row with a revoked key send at most three refused calls', async () => {
    // Prepare: a key Huawei never accepted
    world.huawei.setCredentials([REVOKED]);
    const ids = Array.from({ length: 5 }, () => world.newConnection());
    const containers = [world.newContainer(), world.newContainer(), world.newContainer()];
    // Act: 50 sequential invocations over 2.5 s, spread over three containers; the cool-down
    // (1 s here, growing fivefold) lets one probe through after the first refusal
    for (let i = 0; i < 50; i++) {
      const invoke = containers[i % containers.length] as (typeof containers)[number];
      await invoke(ids.map((id) => sqsRecord(plainBody(id))));
      await sleep(50);
    }
    // Assess
    const { authFailures } = world.huawei.stats();
    expect(authFailures).toBeGreaterThanOrEqual(2);
    expect(authFailures).toBeLessThanOrEqual(3);
    await expectKeyNotLocked(ids);
  });

  it('rides a throttled backlog at the rate limit: every record monitored once, none dead-lettered', async () => {
    // Prepare: Huawei allows 10 calls a second; three containers, two batches of ten each,
    // the second batch on its last delivery (it may not burn a delivery for throttling)
    world.huawei.setRateLimit({ requestsPerSecond: 10 });
    const ids = Array.from({ length: 60 }, () => world.newConnection());
    const containers = [world.newContainer(), world.newContainer(), world.newContainer()];
    try {
      // Act
      const responses = await Promise.all(
        containers.map(async (invoke, c) => {
          const first = ids.slice(c * 20, c * 20 + 10).map((id) => sqsRecord(plainBody(id)));
          const last = ids
            .slice(c * 20 + 10, c * 20 + 20)
            .map((id) => sqsRecord(plainBody(id), { receiveCount: 3 }));
          return [await invoke(first), await invoke(last)];
        }),
      );
      // Assess: all done within their invocations, each once; few 429s per success (the three
      // cold containers' first unpaced calls make most of them; the bench measures a backlog)
      expect(responses.flat().flatMap(failedIds)).toEqual([]);
      expect(dlqAbout(await world.drainDlq(), ids)).toEqual([]);
      for (const id of ids) expectProvisionedOnce(id, 'created');
      const stats = world.huawei.stats();
      expect(stats.byStatus['429'] ?? 0).toBeLessThanOrEqual(0.5 * stats.created);
    } finally {
      world.huawei.setRateLimit(undefined);
    }
  });
});
