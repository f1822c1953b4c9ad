import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatSummary } from '../../../commands/reconcile.ts';
import type { HuaweiVpnClient, VpnTarget } from '../../../lib/huawei/vpn-client.ts';
import type { TargetSummary } from '../../../lib/reconcile/summary.ts';
import { CREDENTIALS, startWorld, type World } from '../harness.ts';
import { addConnection, huaweiClient, newProject, reconcileInto, takeRecords } from './helpers.ts';

// The simulator's connections carry connection_monitor_id while they have a monitor, and lack
// it otherwise (the key's presence is not documented either way): a run that does not look for
// orphans decides from it when every connection carries it, and lists the monitors otherwise.

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
  await takeRecords(world);
});

/** What a plan decides, without how it was read. */
const decisions = (target: TargetSummary | undefined) => ({
  connectionsSeen: target?.connectionsSeen,
  alreadyMonitored: target?.alreadyMonitored,
  withoutMonitor: target?.withoutMonitor,
  pending: target?.pending,
  skipped: target?.skipped,
  enqueue: target?.plan.enqueue,
  pendingIds: target?.plan.pending,
  skippedIds: target?.plan.skipped,
});

/** A project of `count` connections over several pages, each with its monitor but the `bare` ones. */
const projectWith = async (count: number, bare: number): Promise<VpnTarget> => {
  const target = newProject(world);
  for (let i = 0; i < count; i++) {
    const id = addConnection(world, target, i % 3 === 0 ? 'DOWN' : 'ACTIVE');
    if (i >= bare) await client.createMonitor(target, id);
  }
  return target;
};

describe('reconcile reading connection_monitor_id', () => {
  it('plans a fully monitored project from its connections alone: one call fewer, the same plan', async () => {
    // Prepare: 30 connections, every one with its monitor, read 10 a page
    const target = await projectWith(30, 0);

    // Act: a dry run looks for orphans (monitor list first); an ordinary run does not
    world.huawei.resetStats();
    const looking = await reconcileInto(world, [target], {
      dryRun: true,
      queueUrl: undefined,
      pageSize: 10,
    });
    const lookingCalls = world.huawei.stats().byOperation;
    world.huawei.resetStats();
    const ordinary = await reconcileInto(world, [target], { pageSize: 10 });
    const ordinaryCalls = world.huawei.stats().byOperation;

    // Assess
    expect(lookingCalls).toEqual({ list: 1, listConnections: 3 });
    expect(ordinaryCalls).toEqual({ listConnections: 3 });
    expect(decisions(ordinary.targets[0])).toEqual(decisions(looking.targets[0]));
    expect(ordinary.targets[0]).toMatchObject({
      alreadyMonitored: 30,
      enqueued: 0,
      monitorsFrom: 'connections',
      orphansChecked: false,
    });
    expect(looking.targets[0]).toMatchObject({
      monitorsFrom: 'monitor-list',
      orphansChecked: true,
    });
    expect(await takeRecords(world)).toEqual([]);
    expect(formatSummary(ordinary)).toMatch(/orphans: not looked for/);
  });

  it('lists the monitors after all when a connection lacks the key, and queues only the bare ones', async () => {
    // Prepare: 30 connections, the first 4 without a monitor (so without the key)
    const target = await projectWith(30, 4);
    world.huawei.resetStats();

    // Act
    const looking = await reconcileInto(world, [target], {
      dryRun: true,
      queueUrl: undefined,
      pageSize: 10,
    });
    world.huawei.resetStats();
    const ordinary = await reconcileInto(world, [target], { pageSize: 10 });
    const ordinaryCalls = world.huawei.stats().byOperation;
    const records = await takeRecords(world);

    // Assess
    expect(ordinaryCalls).toEqual({ listConnections: 3, list: 1 });
    expect(decisions(ordinary.targets[0])).toEqual(decisions(looking.targets[0]));
    expect(ordinary.targets[0]).toMatchObject({
      alreadyMonitored: 26,
      enqueued: 4,
      monitorsFrom: 'monitor-list',
    });
    expect(records.map((r) => JSON.parse(r.body).vpn_connection_id).sort()).toEqual(
      (looking.targets[0]?.plan.enqueue ?? []).map((c) => c.id).sort(),
    );
  });
});
