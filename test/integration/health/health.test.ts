import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HealthChangedDetail, HealthRequest } from '../../../lib/health/index.ts';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import { REGION, startWorld, type World } from '../harness.ts';
import { huaweiClient } from '../reconcile/helpers.ts';

type HealthHandler = (
  event: HealthRequest | null,
  context: Context,
) => Promise<{
  total: { changes: number; eventsPublished: number; eventsPending: number };
  targets: { publishError?: string }[];
}>;

let world: World;

/** A cold start of the real handler module: its own clients, pacer and configuration. */
const newContainer = async (): Promise<HealthHandler> => {
  vi.resetModules();
  return ((await import('../../../handlers/health.ts')) as { handler: HealthHandler }).handler;
};

const context = () =>
  createLambdaContext(
    {
      functionName: 'health',
      region: world.aws.region,
      accountId: '000000000000',
      timeoutMs: 300_000,
      memoryLimitInMB: 256,
    },
    newLogStreamName(),
  );

/** A project of the test's own, with `count` monitored ACTIVE connections. */
const monitoredProject = async (count: number) => {
  const projectId = randomBytes(16).toString('hex');
  world.huawei.addProject(projectId);
  const target = { projectId, region: REGION };
  const client = huaweiClient();
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = world.huawei.addConnection(projectId, randomUUID()).id;
    await client.createMonitor(target, id);
    ids.push(id);
  }
  await client.close();
  return { projectId, ids, targets: [`${projectId}:${REGION}`] };
};

/** The health events on the bus about one connection, oldest first. */
const healthEvents = (connectionId: string): HealthChangedDetail[] =>
  world.aws.eventBridge
    .events()
    .filter((e) => e.detailType === 'VPN Connection Health Changed')
    .map((e) => e.detail as unknown as HealthChangedDetail)
    .filter((d) => d.vpn_connection_id === connectionId);

beforeAll(async () => {
  world = await startWorld();
  process.env.HUAWEICLOUD_CES_ENDPOINT = world.huawei.endpoint;
  process.env.HEALTH_WINDOW_MINUTES = '5';
});

afterAll(async () => {
  delete process.env.HUAWEICLOUD_CES_ENDPOINT;
  await world?.stop();
});

describe('the health Lambda handler', () => {
  it('publishes nothing for healthy connections, and one event per change under repeated runs', async () => {
    // Prepare
    const handler = await newContainer();
    const { projectId, ids, targets } = await monitoredProject(3);
    const [degrading, steady] = ids as [string, string, string];

    // Act: a first run, a degradation seen by two runs in a row, a recovery seen by two
    const first = await handler({ targets }, context());
    world.huawei.setConnectionHealth(projectId, degrading, { lossPercent: 20, latencyMs: 40 });
    await handler({ targets }, context());
    await handler({ targets }, context());
    world.huawei.setConnectionHealth(projectId, degrading, undefined);
    await handler({ targets }, context());
    await handler({ targets }, context());

    // Assess
    expect(first.total.eventsPublished).toBe(0);
    expect(first.total.changes).toBe(3);
    expect(healthEvents(steady)).toEqual([]);
    const events = healthEvents(degrading);
    expect(events.map((e) => [e.previous_state, e.state])).toEqual([
      ['healthy', 'degraded'],
      ['degraded', 'healthy'],
    ]);
    expect(events[0]).toMatchObject({
      project_id: projectId,
      region: REGION,
      reason: 'loss-above-degraded',
      figures: { loss_percent: 20, latency_ms: 40, connection_status: 1, metric_source: 'link' },
      thresholds: { degraded_loss_percent: 5, window_minutes: 5 },
      version: 2,
    });
    expect(events[0]?.connection_monitor_id).toEqual(expect.any(String));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(2);
  });

  it('publishes one event when two containers run at the same time and see the same change', async () => {
    // Prepare
    const [one, two] = [await newContainer(), await newContainer()];
    const { projectId, ids, targets } = await monitoredProject(20);
    await one({ targets }, context());
    for (const id of ids) world.huawei.setConnectionHealth(projectId, id, { status: 0 });

    // Act
    const runs = await Promise.all([
      one({ targets }, context()),
      two({ targets }, context()),
      one({ targets }, context()),
    ]);

    // Assess
    for (const id of ids) {
      expect(healthEvents(id).map((e) => e.state)).toEqual(['down']);
      expect(healthEvents(id)[0]?.reason).toBe('not-connected');
    }
    expect(runs.reduce((sum, r) => sum + r.total.eventsPublished, 0)).toBe(ids.length);
  });

  it('keeps an event EventBridge refused and publishes it, with the same id, on the next run', async () => {
    // Prepare
    const handler = await newContainer();
    const { projectId, ids, targets } = await monitoredProject(1);
    const [id] = ids as [string];
    await handler({ targets }, context());
    world.huawei.setConnectionHealth(projectId, id, { latencyMs: 900 });
    world.aws.eventBridge.failNext(1);

    // Act
    const refused = await handler({ targets }, context());
    const eventsAfterRefusal = healthEvents(id).length;
    const next = await handler({ targets }, context());
    const after = await handler({ targets }, context());

    // Assess
    expect(refused.total.eventsPending).toBe(1);
    // The answer (and the log line) says why it stayed pending: EventBridge's error code.
    expect(refused.targets[0]?.publishError).toMatch(/refused an event.*InternalFailure/);
    expect(next.targets[0]?.publishError).toBeUndefined();
    expect(eventsAfterRefusal).toBe(0);
    expect(next.total.eventsPublished).toBe(1);
    expect(after.total.eventsPublished).toBe(0);
    const events = healthEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      state: 'degraded',
      reason: 'latency-above-degraded',
      previous_state: 'healthy',
    });
  });

  it('reports a connection that vanished, or lost its monitor, as gone once', async () => {
    // Prepare
    const handler = await newContainer();
    const { projectId, ids, targets } = await monitoredProject(2);
    const [vanished, unmonitored] = ids as [string, string];
    await handler({ targets }, context());
    world.huawei.removeConnection(projectId, vanished);
    const monitor = world.huawei
      .monitors(projectId)
      .find((m) => m.vpn_connection_id === unmonitored);
    const client = huaweiClient();
    await client.deleteMonitor({ projectId, region: REGION }, monitor?.id ?? 'missing');
    await client.close();

    // Act
    await handler({ targets }, context());
    await handler({ targets }, context());

    // Assess
    expect(healthEvents(vanished).map((e) => [e.state, e.reason])).toEqual([
      ['gone', 'connection-gone'],
    ]);
    expect(healthEvents(unmonitored).map((e) => [e.state, e.reason])).toEqual([
      ['gone', 'monitor-gone'],
    ]);
  });
});
