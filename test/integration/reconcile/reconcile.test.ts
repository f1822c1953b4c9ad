import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HuaweiVpnClient } from '../../../lib/huawei/vpn-client.ts';
import { ORIGIN_ATTRIBUTE, RUN_ID_ATTRIBUTE } from '../../../lib/idempotency/origin.ts';
import { CREDENTIALS, startWorld, type World } from '../harness.ts';
import {
  addConnection,
  huaweiClient,
  monitorsByConnection,
  newProject,
  processQueue,
  reconcileInto,
  takeRecords,
} from './helpers.ts';

// Each case reconciles projects of its own, so the counts in its summary are its alone.

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

beforeEach(async () => {
  world.huawei.setCredentials([CREDENTIALS]);
  world.huawei.clearFaults();
  world.huawei.resetStats();
  await takeRecords(world);
});

const idsOf = (connections: readonly { id: string }[] | undefined) =>
  (connections ?? []).map((connection) => connection.id).sort();

describe('HuaweiVpnClient.listVpnConnections', () => {
  it("reads one page at a time, with Huawei's fields and the next page's marker", async () => {
    // Prepare
    const target = newProject(world);
    // Huawei lists in creation order; the marker is the last record's creation time
    const ids = Array.from({ length: 3 }, () => addConnection(world, target));

    // Act
    const first = await client.listVpnConnections(target, { limit: 2 });
    const last = await client.listVpnConnections(target, { limit: 2, marker: first.nextMarker });

    // Assess
    expect(first.connections.map((c) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.nextMarker).toBe(first.connections[1]?.created_at);
    expect(first.requestId).toEqual(expect.any(String));
    expect(first.connections[0]).toMatchObject({
      status: 'ACTIVE',
      name: expect.any(String),
      vgw_id: expect.any(String),
      peer_subnets: ['192.168.0.0/24'],
    });
    expect(last.connections.map((c) => c.id)).toEqual(ids.slice(2));
    expect(last.nextMarker).toBeUndefined();
  });
});

describe('reconcile on the local stack', () => {
  it('follows next_marker across several pages and queues every connection without a monitor', async () => {
    // Prepare: 450 connections, no event ever sent for any of them
    const target = newProject(world);
    const ids = Array.from({ length: 450 }, () => addConnection(world, target));
    const pages: number[] = [];

    // Act
    const summary = await reconcileInto(
      world,
      [target],
      { pageSize: 200 },
      { onPage: ({ connections }) => pages.push(connections) },
    );
    await processQueue(world);

    // Assess
    expect(pages).toEqual([200, 400, 450]);
    expect(world.huawei.stats().byOperation.listConnections).toBe(3);
    expect(summary.total).toMatchObject({
      connectionsSeen: 450,
      pages: 3,
      withoutMonitor: 450,
      enqueued: 450,
      alreadyMonitored: 0,
      targetsFailed: 0,
    });
    const monitors = monitorsByConnection(world, target);
    expect(monitors.size).toBe(450);
    expect(ids.every((id) => monitors.get(id) === 1)).toBe(true);
  });

  it('queues ACTIVE and DOWN connections without a monitor, counts PENDING_* and skips ERROR', async () => {
    // Prepare: a connection in every status, and three that already have their monitor
    const target = newProject(world);
    const active = addConnection(world, target, 'ACTIVE');
    const down = addConnection(world, target, 'DOWN');
    const error = addConnection(world, target, 'ERROR');
    const pending = (['PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE'] as const).map(
      (status) => addConnection(world, target, status),
    );
    const monitored = [
      addConnection(world, target, 'ACTIVE'),
      addConnection(world, target, 'DOWN'),
      addConnection(world, target, 'ACTIVE'),
    ];
    for (const id of monitored) await client.createMonitor(target, id);
    world.huawei.setConnectionStatus(target.projectId, monitored[2] ?? '', 'PENDING_UPDATE');

    // Act
    const summary = await reconcileInto(world, [target]);
    const records = await takeRecords(world);

    // Assess
    const [result] = summary.targets;
    expect(result).toMatchObject({
      connectionsSeen: 9,
      alreadyMonitored: 3,
      withoutMonitor: 2,
      enqueued: 2,
      pending: 3,
      skipped: 1,
      orphansFound: 0,
    });
    expect(idsOf(result?.plan.enqueue)).toEqual([active, down].sort());
    expect(idsOf(result?.plan.pending)).toEqual([...pending].sort());
    expect(result?.plan.skipped).toEqual([{ id: error, status: 'ERROR' }]);
    expect(records.map((record) => JSON.parse(record.body).vpn_connection_id).sort()).toEqual(
      [active, down].sort(),
    );
    for (const record of records) {
      expect(Object.keys(JSON.parse(record.body)).sort()).toEqual([
        'project_id',
        'region',
        'vpn_connection_id',
      ]);
      expect(JSON.parse(record.body)).toMatchObject({
        project_id: target.projectId,
        region: target.region,
      });
      expect(record.messageAttributes[ORIGIN_ATTRIBUTE]?.stringValue).toBe('reconcile');
      expect(record.messageAttributes[RUN_ID_ATTRIBUTE]?.stringValue).toBe(summary.runId);
    }
  });

  it('reports a monitor whose connection is gone in a dry run, and keeps it without deleteOrphans', async () => {
    // Prepare: a connection removed behind its monitor's back
    const target = newProject(world);
    const gone = addConnection(world, target);
    const { monitor } = await client.createMonitor(target, gone);
    world.huawei.removeConnection(target.projectId, gone, { keepMonitor: true });

    // Act
    const summary = await reconcileInto(world, [target], { dryRun: true, queueUrl: undefined });

    // Assess
    expect(summary.targets[0]?.plan.orphans).toEqual([
      { monitorId: monitor.id, vpnConnectionId: gone },
    ]);
    expect(summary.targets[0]?.orphansChecked).toBe(true);
    expect(summary.total).toMatchObject({ orphansFound: 1, orphansDeleted: 0, targetsFailed: 0 });
    expect(world.huawei.monitors(target.projectId).map((m) => m.id)).toEqual([monitor.id]);
    expect(world.huawei.stats().byOperation.delete).toBeUndefined();
  });

  it('does not look for orphans in a run that neither deletes them nor is dry, and says so', async () => {
    // Prepare: the same orphan
    const target = newProject(world);
    const gone = addConnection(world, target);
    const { monitor } = await client.createMonitor(target, gone);
    world.huawei.removeConnection(target.projectId, gone, { keepMonitor: true });
    world.huawei.resetStats();

    // Act
    const summary = await reconcileInto(world, [target]);

    // Assess: no monitor list, and no 0 passed off as a count
    expect(summary.targets[0]).toMatchObject({ orphansChecked: false, orphansFound: 0 });
    expect(summary.targets[0]?.plan.orphans).toEqual([]);
    expect(world.huawei.stats().byOperation.list).toBeUndefined();
    expect(world.huawei.monitors(target.projectId).map((m) => m.id)).toEqual([monitor.id]);
  });

  it('deletes orphaned monitors with deleteOrphans, and only those', async () => {
    // Prepare: two orphans beside a monitored connection
    const target = newProject(world);
    const kept = addConnection(world, target);
    const { monitor: keptMonitor } = await client.createMonitor(target, kept);
    for (let i = 0; i < 2; i++) {
      const gone = addConnection(world, target);
      await client.createMonitor(target, gone);
      world.huawei.removeConnection(target.projectId, gone, { keepMonitor: true });
    }

    // Act
    const summary = await reconcileInto(world, [target], { deleteOrphans: true });

    // Assess
    expect(summary.total).toMatchObject({
      alreadyMonitored: 1,
      orphansFound: 2,
      orphansDeleted: 2,
      targetsFailed: 0,
    });
    expect(world.huawei.monitors(target.projectId).map((m) => m.id)).toEqual([keptMonitor.id]);
  });

  it('changes nothing in a dry run, and says what it would do', async () => {
    // Prepare: one connection to queue, one orphan to delete
    const target = newProject(world);
    const missing = addConnection(world, target);
    const gone = addConnection(world, target);
    const { monitor } = await client.createMonitor(target, gone);
    world.huawei.removeConnection(target.projectId, gone, { keepMonitor: true });
    world.huawei.resetStats();

    // Act
    const summary = await reconcileInto(world, [target], {
      dryRun: true,
      deleteOrphans: true,
      queueUrl: undefined,
    });

    // Assess
    expect(summary.dryRun).toBe(true);
    expect(summary.targets[0]).toMatchObject({
      withoutMonitor: 1,
      enqueued: 0,
      orphansFound: 1,
      orphansDeleted: 0,
      plan: {
        enqueue: [{ id: missing, status: 'ACTIVE' }],
        orphans: [{ monitorId: monitor.id, vpnConnectionId: gone }],
      },
    });
    expect(await takeRecords(world)).toEqual([]);
    expect(world.huawei.monitors(target.projectId).map((m) => m.id)).toEqual([monitor.id]);
    expect(Object.keys(world.huawei.stats().byOperation).sort()).toEqual([
      'list',
      'listConnections',
    ]);
  });

  it('completes through retries while Huawei throttles both lists', async () => {
    // Prepare: 250 connections; the first answers of each list are throttled or failing
    const target = newProject(world);
    for (let i = 0; i < 250; i++) addConnection(world, target);
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'APIGW.0308',
      operation: 'list',
      times: 2,
    });
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'VPN.0429',
      operation: 'listConnections',
      times: 3,
    });
    world.huawei.injectFault({ kind: 'status', status: 503, operation: 'listConnections' });
    const retries: string[] = [];

    // Act
    const summary = await reconcileInto(
      world,
      [target],
      {},
      { onRetry: ({ decision }) => retries.push(decision.category) },
    );

    // Assess
    expect(summary.total).toMatchObject({
      connectionsSeen: 250,
      pages: 2,
      enqueued: 250,
      targetsFailed: 0,
    });
    expect(retries.sort()).toEqual([
      'server-error',
      'throttled',
      'throttled',
      'throttled',
      'throttled',
      'throttled',
    ]);
    expect(world.huawei.stats().byStatus['429']).toBe(5);
    expect((await takeRecords(world)).length).toBe(250);
  });

  it('reconciles several targets in one run and adds their counts up', async () => {
    // Prepare
    const first = newProject(world);
    const second = newProject(world);
    for (let i = 0; i < 3; i++) addConnection(world, first);
    for (let i = 0; i < 5; i++) addConnection(world, second);

    // Act
    const summary = await reconcileInto(world, [first, second]);

    // Assess
    expect(summary.targets.map((t) => [t.projectId, t.enqueued])).toEqual([
      [first.projectId, 3],
      [second.projectId, 5],
    ]);
    expect(summary.total).toMatchObject({ targets: 2, enqueued: 8, connectionsSeen: 8 });
  });

  it('stops calling Huawei once the key is refused, and reports every target as not complete', async () => {
    // Prepare: Huawei no longer accepts the configured key
    const targets = [newProject(world), newProject(world)];
    world.huawei.setCredentials([{ ak: 'ANOTHERACCESSKEY0001', sk: 'another-secret-key' }]);

    // Act
    const summary = await reconcileInto(world, targets);

    // Assess: one refused request in all, so the key is never locked by this run
    expect(world.huawei.stats().requests).toBe(1);
    expect(summary.total.targetsFailed).toBe(2);
    expect(summary.targets[0]?.error).toMatch(/credentials refused \(HTTP 401 APIGW\.0301\)/);
    expect(summary.targets[1]?.error).toMatch(/HuaweiCallsStoppedError|stopped/);
    expect(await takeRecords(world)).toEqual([]);
  });
});
