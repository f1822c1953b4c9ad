import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HuaweiVpnClient } from '../../../lib/huawei/vpn-client.ts';
import { ORIGIN_ATTRIBUTE, RUN_ID_ATTRIBUTE } from '../../../lib/idempotency/origin.ts';
import {
  failedIds,
  PROJECT_ID,
  plainBody,
  REGION,
  sqsRecord,
  startWorld,
  type World,
} from '../harness.ts';
import { huaweiClient, reconcileInto, takeRecords } from './helpers.ts';

// createMonitor remembers a handled connection for IDEMPOTENCY_EXPIRY_SECONDS (15 days). A
// reconcile message carries its run id, which goes into the idempotency key: a connection
// handled long ago whose monitor was deleted since gets a monitor again.

let world: World;
let client: HuaweiVpnClient;

beforeAll(async () => {
  world = await startWorld();
  client = huaweiClient();
});

afterAll(async () => {
  await client?.close();
  await world?.stop();
});

const target = { projectId: PROJECT_ID, region: REGION };
const redelivery = (record: SQSRecord): SQSRecord => ({
  ...record,
  attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
});

describe('createMonitor idempotency for reconcile messages', () => {
  it('creates the monitor again for a handled connection whose monitor was deleted', async () => {
    // Prepare: handled through the event path, then its monitor deleted by someone
    const connection = world.newConnection();
    expect(failedIds(await world.invoke([sqsRecord(plainBody(connection))]))).toEqual([]);
    const [monitor] = world.monitorsFor(connection);
    await client.deleteMonitor(target, monitor?.id ?? '');
    // The connection's own event, delivered again, is absorbed: its record says "handled".
    await world.invoke([sqsRecord(plainBody(connection))]);
    expect(world.monitorsFor(connection)).toHaveLength(0);

    // Act: a reconcile run finds it without a monitor; createMonitor takes its message
    await takeRecords(world);
    const summary = await reconcileInto(world, [target]);
    const records = (await takeRecords(world)).filter(
      (record) => JSON.parse(record.body).vpn_connection_id === connection,
    );
    const [record] = records;
    if (record === undefined) throw new Error('reconcile did not queue the connection');
    const response = await world.invoke([record]);

    // Assess
    expect(summary.targets[0]?.plan.enqueue).toContainEqual({ id: connection, status: 'ACTIVE' });
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(connection)).toHaveLength(1);
    expect(world.eventsFor(connection).map((event) => event.detail.outcome)).toEqual([
      'created',
      'created',
    ]);
  });

  it('absorbs a redelivery of the same reconcile message', async () => {
    // Prepare: a reconcile message handled once
    const connection = world.newConnection();
    await takeRecords(world);
    await reconcileInto(world, [target]);
    const record = (await takeRecords(world)).find(
      (r) => JSON.parse(r.body).vpn_connection_id === connection,
    );
    if (record === undefined) throw new Error('reconcile did not queue the connection');
    await world.invoke([record]);
    world.huawei.resetStats();

    // Act
    const response = await world.invoke([redelivery(record)]);

    // Assess: no Huawei call, no second event
    expect(failedIds(response)).toEqual([]);
    expect(world.huawei.stats().requests).toBe(0);
    expect(world.monitorsFor(connection)).toHaveLength(1);
    expect(world.eventsFor(connection)).toHaveLength(1);
  });

  it('treats a message whose origin has no valid run id like any event', async () => {
    // Prepare: handled through the event path; its monitor deleted since
    const connection = world.newConnection();
    await world.invoke([sqsRecord(plainBody(connection))]);
    await client.deleteMonitor(target, world.monitorsFor(connection)[0]?.id ?? '');
    const forged = sqsRecord(plainBody(connection));
    const text = (stringValue: string) => ({
      dataType: 'String' as const,
      stringValue,
      stringListValues: [],
      binaryListValues: [],
    });
    forged.messageAttributes = {
      [ORIGIN_ATTRIBUTE]: text('reconcile'),
      [RUN_ID_ATTRIBUTE]: text('not a run id/../'),
    };

    // Act
    const response = await world.invoke([forged]);

    // Assess: the connection's record absorbed it, as it would any repeat of its event
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(connection)).toHaveLength(0);
  });
});
