import { randomBytes, randomUUID } from 'node:crypto';
import { createHuaweiAccess } from '../lib/accounts/index.ts';
import { loadReconcileConfig } from '../lib/config/index.ts';
import type { HealthChangedDetail } from '../lib/health/index.ts';
import { startCreateMonitorWorld } from './function-environment.ts';
import { invokeHealthLambda } from './health-run.ts';

/** What the demo did and saw. */
export interface HealthDemoSummary {
  connections: number;
  runs: { step: string; checked: number; events: number; cloudEyeCalls: number }[];
  /** Every "VPN Connection Health Changed" event on the bus, in order. */
  events: HealthChangedDetail[];
  degradedConnection: string;
  durationMs: number;
}

const PROJECT_ID = randomBytes(16).toString('hex');
const REGION = 'cn-north-4';
const CREDENTIALS = { ak: 'LOCALHEALTHDEMOAK01', sk: 'local-health-demo-secret-key-0001' };

/**
 * `npm start -- --health`: monitored connections in the simulator, the real `health` Lambda
 * handler on a schedule of runs, and one connection degraded then recovered through the
 * simulator's Cloud Eye. Each state is seen by two runs in a row, so a repeat would show.
 */
export const runHealthDemo = async (connections: number): Promise<HealthDemoSummary> => {
  const started = Date.now();
  const { aws, huawei } = await startCreateMonitorWorld(
    {
      visibilityTimeoutSeconds: 30,
      credentials: CREDENTIALS,
      projectId: PROJECT_ID,
      region: REGION,
      eventBusName: 'vpn-monitor-provisioner-local',
      maxReceiveCount: 3,
    },
    (simulator) => ({ HUAWEICLOUD_CES_ENDPOINT: simulator.endpoint }),
  );
  try {
    const target = { projectId: PROJECT_ID, region: REGION };
    const access = createHuaweiAccess(loadReconcileConfig(process.env));
    const ids: string[] = [];
    for (let i = 0; i < connections; i += 1) {
      const id = huawei.addConnection(PROJECT_ID, randomUUID()).id;
      await access.client.createMonitor(target, id);
      ids.push(id);
    }
    await access.close();
    const runs: HealthDemoSummary['runs'] = [];
    const run = async (step: string): Promise<void> => {
      const answer = await invokeHealthLambda({ targets: [`${PROJECT_ID}:${REGION}`] }, aws.region);
      runs.push({
        step,
        checked: answer.total.checked,
        events: answer.total.eventsPublished,
        cloudEyeCalls: answer.total.cloudEyeCalls,
      });
    };
    const degraded = ids[Math.floor(ids.length / 2)] ?? '';
    await run('all healthy');
    await run('all healthy, again');
    huawei.setConnectionHealth(PROJECT_ID, degraded, { lossPercent: 12, latencyMs: 180 });
    await run('one connection loses 12 % of its probes');
    await run('still degraded');
    huawei.setConnectionHealth(PROJECT_ID, degraded, undefined);
    await run('recovered');
    await run('still recovered');
    const events = aws.eventBridge
      .events()
      .filter((e) => e.detailType === 'VPN Connection Health Changed')
      .map((e) => e.detail as unknown as HealthChangedDetail);
    return {
      connections,
      runs,
      events,
      degradedConnection: degraded,
      durationMs: Date.now() - started,
    };
  } finally {
    await huawei.stop();
    await aws.stop();
  }
};

/** Prints the demo's runs and events; answers whether it showed what it should. */
export const printHealthDemo = (s: HealthDemoSummary): boolean => {
  console.log(`\nHealth checks of ${s.connections} monitored connections (Cloud Eye simulated)`);
  for (const r of s.runs)
    console.log(
      `  ${r.step.padEnd(42)} ${r.checked} checked, ${r.cloudEyeCalls} Cloud Eye calls, ${r.events} events`,
    );
  console.log('\n"VPN Connection Health Changed" events');
  for (const e of s.events) {
    const f = e.figures;
    console.log(
      `  ${e.vpn_connection_id}  ${e.previous_state} -> ${e.state} (${e.reason}; loss ${f?.loss_percent ?? '-'} %, latency ${f?.latency_ms ?? '-'} ms; thresholds ${e.thresholds.degraded_loss_percent} % / ${e.thresholds.degraded_latency_ms} ms over ${e.thresholds.window_minutes} min)`,
    );
  }
  const expected =
    s.events.length === 2 &&
    s.events.every((e) => e.vpn_connection_id === s.degradedConnection) &&
    s.events[0]?.state === 'degraded' &&
    s.events[1]?.state === 'healthy';
  console.log(`\n  time taken  ${(s.durationMs / 1000).toFixed(1)} s`);
  if (!expected)
    console.error('\nExpected exactly two events (degraded, then healthy) for the one connection.');
  return expected;
};
