import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHealthConfig } from '../../../lib/config/index.ts';
import {
  createHealthDependencies,
  type HealthChangedDetail,
  runHealth,
} from '../../../lib/health/index.ts';
import { REGION, startWorld, type World } from '../harness.ts';
import { huaweiClient } from '../reconcile/helpers.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  process.env.HUAWEICLOUD_CES_ENDPOINT = world.huawei.endpoint;
});

afterAll(async () => {
  delete process.env.HUAWEICLOUD_CES_ENDPOINT;
  await world?.stop();
});

const healthEvents = (): HealthChangedDetail[] =>
  world.aws.eventBridge
    .events()
    .filter((e) => e.detailType === 'VPN Connection Health Changed')
    .map((e) => e.detail as unknown as HealthChangedDetail);

describe('a health run that dies between writing a change and publishing it', () => {
  it('leaves the event to the first run after its lease, which publishes it once with the same id', async () => {
    // Prepare: one monitored connection, seen healthy
    const projectId = randomBytes(16).toString('hex');
    world.huawei.addProject(projectId);
    const id = world.huawei.addConnection(projectId, randomUUID()).id;
    const client = huaweiClient();
    await client.createMonitor({ projectId, region: REGION }, id);
    await client.close();
    const run = { targets: [{ projectId, region: REGION }], dryRun: false };
    const deps = createHealthDependencies(loadHealthConfig(process.env));
    await runHealth(deps, run);
    world.huawei.setConnectionHealth(projectId, id, { lossPercent: 30 });

    // Act: a run whose publish fails and which dies before letting go of its event
    const store = deps.store;
    if (store === undefined) throw new Error('the world has a table');
    world.aws.eventBridge.failNext(1);
    const dying = await runHealth(
      {
        ...deps,
        store: {
          tracked: (t) => store.tracked(t),
          read: (t, ids) => store.read(t, ids),
          track: (t, ids) => store.track(t, ids),
          transition: (t, c) => store.transition(t, c),
          claim: (t, i, v, l, n) => store.claim(t, i, v, l, n),
          published: (t, i, v) => store.published(t, i, v),
          release: async () => {
            throw new Error('the run died');
          },
        },
      },
      run,
      { deadline: Date.now() + 60_000 },
    );
    const whileLeased = await runHealth(deps, run);
    const afterLease = await runHealth(deps, run, { now: () => Date.now() + 120_000 });
    const later = await runHealth(deps, run);
    await deps.close();

    // Assess
    expect(dying.targets[0]?.error).toContain('the run died');
    expect(whileLeased.total.eventsPublished).toBe(0);
    expect(afterLease.total.eventsPublished).toBe(1);
    expect(later.total.eventsPublished).toBe(0);
    const events = healthEvents().filter((e) => e.vpn_connection_id === id);
    expect(events.map((e) => [e.previous_state, e.state, e.version])).toEqual([
      ['healthy', 'degraded', 2],
    ]);
  });
});
