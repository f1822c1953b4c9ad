import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  failedIds,
  PROJECT_ID,
  plainBody,
  REGION,
  sqsRecord,
  startWorld,
  type World,
} from './harness.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

describe('createMonitor handler on the local stack', () => {
  it('creates one monitor and publishes one event carrying the API response', async () => {
    // Prepare
    const connection = world.newConnection();
    // Act
    const response = await world.invoke([sqsRecord(plainBody(connection))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    const [monitor] = world.monitorsFor(connection);
    expect(world.monitorsFor(connection)).toHaveLength(1);
    const events = world.eventsFor(connection);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.source).toBe('vpn-monitor-provisioner');
    expect(event?.detailType).toBe('VPN Connection Monitor Created');
    expect(event?.eventBusName).toBe('vpn-monitor-provisioner-test');
    expect(event?.detail).toMatchObject({
      outcome: 'created',
      project_id: PROJECT_ID,
      region: REGION,
      vpn_connection_id: connection,
      connection_monitor: {
        id: monitor?.id,
        vpn_connection_id: connection,
        type: 'gateway',
        proto_type: 'icmp',
        source_ip: monitor?.source_ip,
        destination_ip: monitor?.destination_ip,
      },
    });
    expect(event?.detail.request_id).toEqual(expect.any(String));
    expect(event?.detail.event_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it.each(
    readdirSync(new URL('../events/', import.meta.url)).filter((name) => name.endsWith('.json')),
  )('handles the fixture body %s', async (fixture) => {
    // Prepare: the fixture's connection exists in the simulator
    const body = readFileSync(new URL(`../events/${fixture}`, import.meta.url), 'utf8');
    const connection =
      /"?vpn_connection_id\\?"\s*:\s*\\?"([A-Za-z0-9-]{36})/.exec(body)?.[1] ??
      /"resource_id\\?"\s*:\s*\\?"([A-Za-z0-9-]{36})/.exec(body)?.[1];
    expect(connection).toBeDefined();
    if (
      !world.monitorsFor(connection as string).length &&
      !world.huawei.connections(PROJECT_ID).some((c) => c.id === connection)
    ) {
      world.huawei.addConnection(PROJECT_ID, connection as string);
    }
    // Act
    const response = await world.invoke([sqsRecord(body)]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(connection as string)).toHaveLength(1);
    expect(world.eventsFor(connection as string)).toHaveLength(1);
  });

  it('absorbs duplicates: in one batch, and redelivered later', async () => {
    // Prepare
    const connection = world.newConnection();
    const body = plainBody(connection);
    world.huawei.resetStats();
    // Act
    const first = await world.invoke([sqsRecord(body), sqsRecord(body), sqsRecord(body)]);
    const again = await world.invoke([sqsRecord(body, { receiveCount: 2 })]);
    // Assess
    expect(failedIds(first)).toEqual([]);
    expect(failedIds(again)).toEqual([]);
    expect(world.monitorsFor(connection)).toHaveLength(1);
    expect(world.eventsFor(connection)).toHaveLength(1);
    // one create reached Huawei: the batch twins waited for the first, the redelivery was remembered
    expect(world.huawei.stats().byOperation.create).toBe(1);
  });

  it('retries a 429 and then succeeds', async () => {
    // Prepare
    const connection = world.newConnection();
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'VPN.0429',
      operation: 'create',
      connectionId: connection,
      times: 2,
    });
    // Act
    const response = await world.invoke([sqsRecord(plainBody(connection))]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(world.huawei.pendingFaults()).toHaveLength(0);
    expect(world.monitorsFor(connection)).toHaveLength(1);
    expect(world.eventsFor(connection)).toHaveLength(1);
  });

  it('dead-letters an invalid record alone, with the reason, and handles the rest', async () => {
    // Prepare
    const good = world.newConnection();
    world.huawei.resetStats();
    const bad = sqsRecord(
      JSON.stringify({ vpn_connection_id: '../../v5/other-project/x', project_id: PROJECT_ID }),
    );
    // Act
    const response = await world.invoke([
      sqsRecord(plainBody(good)),
      bad,
      sqsRecord('not json at all'),
    ]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(good)).toHaveLength(1);
    const dlq = await world.drainDlq();
    expect(dlq.map((m) => m.body).sort()).toEqual([bad.body, 'not json at all'].sort());
    for (const message of dlq) {
      expect(message.reason).toMatchObject({
        kind: 'invalid-input',
        attempts: 0,
        receive_count: 1,
      });
      expect(String(message.reason?.message)).not.toHaveLength(0);
    }
    // nothing of the invalid records reached Huawei
    expect(world.huawei.stats().requests).toBe(1);
  });
});
