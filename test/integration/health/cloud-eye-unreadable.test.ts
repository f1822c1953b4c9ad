import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HealthChangedDetail } from '../../../lib/health/index.ts';
import type { FaultRule } from '../../../local/huawei-simulator/index.ts';
import { CREDENTIALS, startWorld, type World } from '../harness.ts';
import { monitoredProject } from '../reconcile/helpers.ts';
import { runHealthCommand, targetOf } from './command.ts';

// What a gateway or proxy in front of Cloud Eye sends when it breaks (an HTML error page, a
// JSON answer cut in half, a 200 with a page or an error for a body) is no answer to read: the health run
// asks again, and when it keeps coming, says so for that project and writes nothing from it.

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterEach(() => {
  world.huawei.clearFaults();
});

afterAll(async () => {
  await world?.stop();
});

const health = (targets: readonly string[]) =>
  runHealthCommand(world, targets, { HUAWEI_RETRY_CAP_MS: '100' });

/** The health events on the bus about these connections. */
const healthEvents = (ids: readonly string[]): HealthChangedDetail[] =>
  world.aws.eventBridge
    .events()
    .filter((e) => e.detailType === 'VPN Connection Health Changed')
    .map((e) => e.detail as unknown as HealthChangedDetail)
    .filter((d) => ids.includes(d.vpn_connection_id));

/** Cloud Eye queries the simulator served, whatever it answered. */
const cloudEyeRequests = () =>
  Object.values(world.huawei.stats().byOperationAndStatus.batchQueryMetricData ?? {}).reduce(
    (sum, n) => sum + n,
    0,
  );

/**
 * A project of three monitored connections, each reported in another state by Cloud Eye:
 * healthy, degraded (20 % loss), down (not connected).
 */
const threeStates = async () => {
  const project = await monitoredProject(world.huawei, 3);
  const [healthy, degraded, down] = project.ids as [string, string, string];
  world.huawei.setConnectionHealth(project.projectId, degraded, { lossPercent: 20 });
  world.huawei.setConnectionHealth(project.projectId, down, { status: 0 });
  return { ...project, states: { [healthy]: 'healthy', [degraded]: 'degraded', [down]: 'down' } };
};

/** Broken answers, each with what the reason says was seen. */
const BROKEN: [string, FaultRule, string][] = [
  [
    "a gateway's HTML 502 page",
    { kind: 'garble', form: 'html', status: 502 },
    'unreadable answer, HTTP 502, text/html',
  ],
  [
    'the answer cut in half',
    { kind: 'garble', form: 'truncated' },
    'unreadable answer, HTTP 200, application/json',
  ],
  [
    'a 200 with an HTML page echoing the key, its type too',
    {
      kind: 'answer',
      status: 200,
      body: `<html><body>Request Access=${CREDENTIALS.ak} Secret=${CREDENTIALS.sk}</body></html>`,
      contentType: `text/html+${CREDENTIALS.ak}; echo=${CREDENTIALS.sk}`,
    },
    'unreadable answer, HTTP 200, text/html+[redacted]',
  ],
  [
    "a gateway's error body sent with a 200 (no data read from it)",
    {
      kind: 'answer',
      status: 200,
      body: '{"error_code":"APIGW.0201","error_msg":"Backend unavailable"}',
      contentType: 'application/json',
    },
    'unreadable answer, HTTP 200, application/json',
  ],
];

describe('health when Cloud Eye answers something that cannot be read', () => {
  it.each(BROKEN)(
    'asks again after %s once, and decides every state from the answer that follows',
    async (_, broken, seen) => {
      // Prepare
      const project = await threeStates();
      world.huawei.injectFault({
        ...broken,
        operation: 'batchQueryMetricData',
        connectionId: project.ids[0],
      });
      const before = cloudEyeRequests();

      // Act
      const run = await health([project.target]);

      // Assess: the run completes, each connection in the state Cloud Eye reports
      expect(run.status, run.stderr).toBe(0);
      expect(run.summary?.total.targetsFailed).toBe(0);
      const checked = targetOf(run.summary, project.projectId);
      expect(checked?.error).toBeUndefined();
      expect(
        Object.fromEntries(checked?.connections.map((c) => [c.connectionId, c.state]) ?? []),
      ).toEqual(project.states);
      expect(checked?.changes).toBe(3);
      // ... after one more query, which the operator is told of
      expect(cloudEyeRequests() - before).toBe(2);
      expect(world.huawei.pendingFaults()).toEqual([]);
      expect(run.stderr).toContain(`retrying after`);
      expect(run.stderr).toContain(seen);
      for (const secret of [CREDENTIALS.ak, CREDENTIALS.sk])
        expect(run.stderr).not.toContain(secret);
      expect(
        healthEvents(project.ids)
          .map((e) => e.state)
          .sort(),
      ).toEqual(['degraded', 'down']);
    },
  );

  it.each(BROKEN)(
    'leaves a project whose every answer is %s not complete, saying so, and writes nothing for it',
    async (_, broken, seen) => {
      // Prepare
      const broke = await threeStates();
      const other = await threeStates();
      world.huawei.injectFault({
        ...broken,
        operation: 'batchQueryMetricData',
        connectionId: broke.ids[0],
        times: 1_000,
      });

      // Act: the run that only gets broken answers for one project, then a clean one
      const run = await health([broke.target, other.target]);
      const eventsAfterRun = healthEvents(broke.ids);
      world.huawei.clearFaults();
      const later = await health([broke.target, other.target]);

      // Assess: the broken project is not complete, and says what was seen
      expect(run.status, run.stderr).toBe(1);
      expect(run.summary?.total.targetsFailed).toBe(1);
      const failed = targetOf(run.summary, broke.projectId);
      expect(failed?.error).toContain(seen);
      expect(failed?.error).toContain('gave up after 5 attempts');
      expect(run.stderr).toContain(`${broke.target}: not complete:`);
      // ... with no secret anywhere the operator reads
      for (const secret of [CREDENTIALS.ak, CREDENTIALS.sk]) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
      // ... and nothing decided from it: no state, no event
      expect(failed?.connections).toEqual([]);
      expect(failed?.changes).toBe(0);
      expect(eventsAfterRun).toEqual([]);
      // The other project, on the same key, is checked in the same run
      const checked = targetOf(run.summary, other.projectId);
      expect(checked?.error).toBeUndefined();
      expect(
        Object.fromEntries(checked?.connections.map((c) => [c.connectionId, c.state]) ?? []),
      ).toEqual(other.states);
      // The clean run writes the broken project's first states: none was written before
      expect(later.status, later.stderr).toBe(0);
      expect(targetOf(later.summary, broke.projectId)?.changes).toBe(3);
      expect(targetOf(later.summary, other.projectId)?.changes).toBe(0);
      expect(healthEvents(broke.ids).map((e) => [e.previous_state, e.state])).toEqual(
        expect.arrayContaining([
          [null, 'degraded'],
          [null, 'down'],
        ]),
      );
      expect(healthEvents(broke.ids)).toHaveLength(2);
    },
  );
});
