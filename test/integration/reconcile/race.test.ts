import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failedIds, sqsRecord, startWorld, type World } from '../harness.ts';
import {
  addConnection,
  monitorsByConnection,
  newProject,
  processQueue,
  reconcileInto,
  takeRecords,
} from './helpers.ts';

// A reconcile run and the event path meet on the same connection: a connection's event is in
// flight when reconcile lists it. Huawei's one-monitor rule (VPN.0381, then list) decides.

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  world.huawei.setLatency(0);
  world.huawei.resetStats();
  await takeRecords(world);
});

const eventBody = (projectId: string, region: string, vpnConnectionId: string) =>
  JSON.stringify({ vpn_connection_id: vpnConnectionId, project_id: projectId, region });

describe('reconcile racing with the event path', () => {
  it('yields one monitor when createMonitor takes the reconcile message and the event at once', async () => {
    // Prepare: reconcile has queued the connection; its event arrives meanwhile
    const target = newProject(world);
    const connection = addConnection(world, target);
    await reconcileInto(world, [target]);
    const [reconciled] = await takeRecords(world);
    if (reconciled === undefined) throw new Error('reconcile queued nothing');
    const event = sqsRecord(eventBody(target.projectId, target.region, connection));
    // Both creates are in flight together.
    world.huawei.setLatency(100);

    // Act: two invocations of the real handler, concurrently
    const [fromReconcile, fromEvent] = await Promise.all([
      world.invoke([reconciled]),
      world.invoke([event]),
    ]);

    // Assess
    expect(failedIds(fromReconcile)).toEqual([]);
    expect(failedIds(fromEvent)).toEqual([]);
    expect(monitorsByConnection(world, target).get(connection)).toBe(1);
    expect(world.huawei.stats().byOperation.create).toBe(2);
    const events = world.eventsFor(connection);
    expect(events.map((e) => e.detail.outcome).sort()).toEqual(['already_existed', 'created']);
    // Consumers drop the repeat by its stable identity.
    expect(new Set(events.map((e) => e.detail.event_id)).size).toBe(1);
  });

  it('yields one monitor per connection when a whole run overlaps the event stream', async () => {
    // Prepare: 40 connections whose events are all on their way
    const target = newProject(world);
    const connections = Array.from({ length: 40 }, () => addConnection(world, target));
    world.huawei.setLatency(5);

    // Act: the event path and a reconcile run (then the queue) at the same time
    const [responses] = await Promise.all([
      Promise.all(
        connections.map((id) =>
          world.invoke([sqsRecord(eventBody(target.projectId, target.region, id))]),
        ),
      ),
      reconcileInto(world, [target]).then(() => processQueue(world)),
    ]);
    await processQueue(world);

    // Assess
    expect(responses.flatMap(failedIds)).toEqual([]);
    const monitors = monitorsByConnection(world, target);
    expect(connections.map((id) => monitors.get(id))).toEqual(connections.map(() => 1));
    expect(world.huawei.monitors(target.projectId)).toHaveLength(40);
  });
});
