import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runEventSourceMapping } from '../../local/aws/event-source-mapping.ts';
import { toSqsRecord } from '../../local/aws/sqs-record.ts';
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

// End states through the real handler, the SQS emulator and the event source mapping: a
// connection that is not ready is waited for in time (delayed copies), one Huawei does not show
// yet is waited for within the grace period, and a project without permissions is given up
// alone. Budgets are seconds here so the waits run for real.

const OTHER_PROJECT_ID = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';

let world: World;

beforeAll(async () => {
  world = await startWorld({
    NOT_READY_DELAY_SECONDS: '1',
    NOT_READY_MAX_WAIT_SECONDS: '4',
    NOT_FOUND_GRACE_SECONDS: '2',
    // One record at a time, so "no further call for the project" has an order to be checked in.
    RECORD_CONCURRENCY: '1',
  });
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  world.huawei.setCredentials([CREDENTIALS]);
  world.huawei.clearFaults();
  world.huawei.resetStats();
  await world.drainDlq();
});

const enqueue = async (body: string): Promise<void> => {
  await world.aws.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: world.aws.sqs.queueUrl, MessageBody: body }),
  );
};

/** Runs the event source mapping until `done()` holds (or the queue is empty), at most 15 s. */
const runMapping = async (done: () => boolean = () => false) => {
  const mapping = runEventSourceMapping({
    sqs: world.aws.clients.sqs,
    queueUrl: world.aws.sqs.queueUrl,
    queueArn: world.aws.sqs.queueArn,
    handler: world.handler,
    untilEmpty: true,
    concurrency: 1,
  });
  const deadline = Date.now() + 15_000;
  let finished = false;
  mapping.finished.then(
    () => {
      finished = true;
    },
    () => {
      finished = true;
    },
  );
  while (!finished && !done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return mapping.stop();
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The batch-create trace fixture, made to name the given connections. */
const batchBody = (ids: readonly string[]): string => {
  const event = JSON.parse(
    readFileSync(
      new URL('../events/batch/cloudevents-cloud-trace-batch-create.json', import.meta.url),
      'utf8',
    ),
  );
  const [first] = event.data.response.vpn_connections;
  event.data.response.vpn_connections = ids.map((id) => ({ ...first, id }));
  return JSON.stringify(event);
};

describe('decided from state, waited for in time', () => {
  it('waits for a connection being created, then gives it its monitor and its event', async () => {
    // Prepare
    const id = world.newConnection();
    world.huawei.setConnectionStatus(PROJECT_ID, id, 'PENDING_CREATE');
    await enqueue(plainBody(id));
    // Act: the connection becomes ACTIVE after a while
    const flip = sleep(1_500).then(() =>
      world.huawei.setConnectionStatus(PROJECT_ID, id, 'ACTIVE'),
    );
    const stats = await runMapping(() => world.eventsFor(id).length > 0);
    await flip;
    // Assess: asked more than once, then one monitor and one event; nothing dead-lettered
    expect(stats.recordsDelivered).toBeGreaterThanOrEqual(2);
    expect(world.monitorsFor(id)).toHaveLength(1);
    expect(world.eventsFor(id).map((e) => e.detail.outcome)).toEqual(['created']);
    expect(await world.drainDlq()).toEqual([]);
  });

  it('waits once for a batch-create trace whose second connection is not ready, then finishes it', async () => {
    // Prepare: one trace, two connections; the second still being created
    const ready = world.newConnection();
    const pending = world.newConnection();
    world.huawei.setConnectionStatus(PROJECT_ID, pending, 'PENDING_CREATE');
    await enqueue(batchBody([ready, pending]));
    // Act
    const flip = sleep(1_500).then(() =>
      world.huawei.setConnectionStatus(PROJECT_ID, pending, 'ACTIVE'),
    );
    await runMapping(() => world.eventsFor(pending).length > 0);
    await flip;
    // Assess: each connection one monitor and one event; the ready one was not published twice
    for (const id of [ready, pending]) {
      expect(world.monitorsFor(id)).toHaveLength(1);
      expect(world.eventsFor(id).map((e) => e.detail.outcome)).toEqual(['created']);
    }
    expect(await world.drainDlq()).toEqual([]);
  });

  it('dead-letters a connection still not ready past NOT_READY_MAX_WAIT_SECONDS, with the last status', async () => {
    // Prepare
    const id = world.newConnection();
    world.huawei.setConnectionStatus(PROJECT_ID, id, 'PENDING_CREATE');
    await enqueue(plainBody(id));
    // Act
    const stats = await runMapping();
    // Assess: it waited (several copies, more deliveries than maxReceiveCount 3 would allow a
    // single message), then went to the DLQ once
    const dlq = await world.drainDlq();
    expect(stats.recordsDelivered).toBeGreaterThanOrEqual(3);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.reason).toMatchObject({
      kind: 'not-ready-timeout',
      connection_status: 'PENDING_CREATE',
      vpn_connection_id: id,
    });
    expect(world.monitorsFor(id)).toHaveLength(0);
  });

  it('waits for a connection Huawei does not show yet, and gives it up after the grace period', async () => {
    // Prepare: an id Huawei never shows
    const id = randomUUID();
    await enqueue(plainBody(id));
    // Act
    const stats = await runMapping();
    // Assess: asked again within the grace, then given up as not found
    const dlq = await world.drainDlq();
    expect(stats.recordsDelivered).toBeGreaterThanOrEqual(2);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.reason).toMatchObject({ kind: 'rejected', connection_status: 'NOT_FOUND' });
    expect(dlq[0]?.reason?.message).toContain('connection not found');
  });

  it('gives a connection that shows up within the grace period its monitor', async () => {
    // Prepare: announced before Huawei shows it
    const id = randomUUID();
    await enqueue(plainBody(id));
    // Act
    const appear = sleep(700).then(() => world.huawei.addConnection(PROJECT_ID, id));
    await runMapping(() => world.eventsFor(id).length > 0);
    await appear;
    // Assess
    expect(world.monitorsFor(id)).toHaveLength(1);
    expect(world.eventsFor(id)).toHaveLength(1);
    expect(await world.drainDlq()).toEqual([]);
  });

  it('absorbs the duplicate left when the function dies between the copy and the delete', async () => {
    // Prepare: a delivery of a not-ready connection, handled, but never deleted (the function
    // "died" before Lambda deleted the record): the record comes back beside its copy
    const id = world.newConnection();
    world.huawei.setConnectionStatus(PROJECT_ID, id, 'PENDING_CREATE');
    await enqueue(plainBody(id));
    const received = await world.aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.aws.sqs.queueUrl,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const message = received.Messages?.[0];
    expect(message).toBeDefined();
    const record = toSqsRecord(message as NonNullable<typeof message>, {
      queueArn: world.aws.sqs.queueArn,
      region: world.aws.region,
    });
    expect(failedIds(await world.invoke([record]))).toEqual([]);
    world.huawei.setConnectionStatus(PROJECT_ID, id, 'ACTIVE');
    // Act: the original (after its visibility timeout) and the copy are both delivered
    const stats = await runMapping();
    // Assess: both handled, one monitor, one event, nothing dead-lettered
    expect(stats.recordsDelivered).toBeGreaterThanOrEqual(2);
    expect(world.monitorsFor(id)).toHaveLength(1);
    expect(world.eventsFor(id)).toHaveLength(1);
    expect(await world.drainDlq()).toEqual([]);
  });

  it('gives up a project that lacks a permission without calling Huawei for it again, while another project carries on', async () => {
    // Prepare: project A's key user may not create monitors (403 VPN.0003); project B is fine
    const a1 = world.newConnection();
    const a2 = world.newConnection();
    const b1 = world.huawei.addConnection(OTHER_PROJECT_ID, randomUUID()).id;
    for (const id of [a1, a2]) {
      world.huawei.injectFault({
        kind: 'status',
        operation: 'create',
        connectionId: id,
        status: 403,
        code: 'VPN.0003',
        message: 'Authentication failed: Access denied. Obtain the required permissions',
        // A refusal on an ACTIVE connection is asked twice before it counts as real.
        times: 2,
      });
    }
    const bodyB = JSON.stringify({
      vpn_connection_id: b1,
      project_id: OTHER_PROJECT_ID,
      region: REGION,
    });
    // Act
    const response = await world.invoke([
      sqsRecord(plainBody(a1)),
      sqsRecord(plainBody(a2)),
      sqsRecord(bodyB),
    ]);
    // Assess: A's records in the DLQ naming project, region and IAM action; a2 never reached
    // Huawei (its fault is still pending); B's monitor and event exist
    expect(failedIds(response)).toEqual([]);
    const dlq = await world.drainDlq();
    expect(dlq.map((m) => m.reason?.vpn_connection_id).sort()).toEqual([a1, a2].sort());
    for (const m of dlq) {
      expect(m.reason).toMatchObject({ kind: 'rejected', code: 'VPN.0003', status: 403 });
      expect(m.reason?.message).toContain(PROJECT_ID);
      expect(m.reason?.message).toContain(REGION);
      expect(m.reason?.message).toContain('vpn:connectionMonitors:create');
    }
    expect(world.huawei.pendingFaults().map((f) => f.rule.connectionId)).toEqual([a2]);
    expect(world.huawei.monitors(OTHER_PROJECT_ID)).toHaveLength(1);
    expect(world.eventsFor(b1).map((e) => e.detail.outcome)).toEqual(['created']);
    expect(world.huawei.stats().authFailures).toBe(0);
  });
});
