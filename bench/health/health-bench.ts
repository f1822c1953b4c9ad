/**
 * The health check at scale: 10,000 monitored connections over 20 projects read in one run of
 * the real `health` handler, against the Huawei simulator (VPN API and Cloud Eye, Cloud Eye
 * rate-limited per project) and the local DynamoDB and EventBridge. Prints calls made, time
 * taken and peak memory, for the first run (every state new) and a steady one (a few changes).
 *
 *   npx --no -- tsx bench/health/health-bench.ts [--projects 20] [--per-project 500] [--rate 10]
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHuaweiAccess } from '../../lib/accounts/index.ts';
import { mapConcurrent } from '../../lib/batch/index.ts';
import { loadReconcileConfig } from '../../lib/config/index.ts';
import { startCreateMonitorWorld } from '../../local/function-environment.ts';
import { invokeHealthLambda } from '../../local/health-run.ts';
import type { Row } from '../report.ts';

/** What one measured run did. */
interface HealthRunFigures {
  connections: number;
  seconds: number;
  cloudEyeCalls: number;
  cloudEyeThrottled: number;
  vpnCalls: number;
  putEventsCalls: number;
  events: number;
  /** The process's peak resident memory during the run, MB (stand-ins included). */
  peakRssMb: number;
  /** The largest heap in use seen during the run, MB. */
  peakHeapMb: number;
}

/** Both runs, and the setting. */
export interface HealthBenchFigures {
  projects: number;
  perProject: number;
  cloudEyeRatePerProject: number;
  first: HealthRunFigures;
  steady: HealthRunFigures;
}

const MB = 2 ** 20;

/** Runs the benchmark; `progress` is told what it is doing. */
export const runHealthBenchmark = async (
  setting: { projects: number; perProject: number; cloudEyeRatePerProject: number },
  progress: (line: string) => void = () => undefined,
): Promise<HealthBenchFigures> => {
  const credentials = { ak: 'BENCHHEALTHAK000001', sk: 'bench-health-secret-key-000000001' };
  const projects = Array.from({ length: setting.projects }, () => randomBytes(16).toString('hex'));
  const region = 'cn-north-4';
  const { aws, huawei } = await startCreateMonitorWorld(
    {
      visibilityTimeoutSeconds: 30,
      credentials,
      projectId: projects[0] as string,
      region,
      eventBusName: 'vpn-monitor-provisioner-bench',
      maxReceiveCount: 3,
    },
    (simulator) => ({
      HUAWEICLOUD_CES_ENDPOINT: simulator.endpoint,
      RECONCILE_TARGETS: projects.map((p) => `${p}:${region}`).join(','),
    }),
    {
      credentials: [credentials],
      projects: Object.fromEntries(projects.map((p) => [p, setting.perProject])),
      cloudEyeRateLimit: { requestsPerSecond: setting.cloudEyeRatePerProject },
    },
  );
  try {
    progress(`creating ${setting.projects * setting.perProject} monitors`);
    const access = createHuaweiAccess(loadReconcileConfig(process.env));
    const all = projects.flatMap((projectId) =>
      huawei.connections(projectId).map((c) => ({ projectId, id: c.id })),
    );
    await mapConcurrent(all, 32, async ({ projectId, id }) => {
      await access.client.createMonitor({ projectId, region }, id);
    });
    await access.close();

    const measure = async (): Promise<HealthRunFigures> => {
      const vpnBefore = huawei.stats().requests;
      const ceBefore = huawei.cloudEyeStats();
      const sinkBefore = aws.eventBridge.stats().requests;
      const eventsBefore = aws.eventBridge.events().length;
      let peakHeap = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }, 20);
      const started = performance.now();
      const answer = await invokeHealthLambda({}, aws.region);
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const ce = huawei.cloudEyeStats();
      return {
        connections: answer.total.checked,
        seconds,
        cloudEyeCalls: ce.calls - ceBefore.calls,
        cloudEyeThrottled: ce.throttled - ceBefore.throttled,
        vpnCalls:
          huawei.stats().requests -
          vpnBefore -
          (ce.calls - ceBefore.calls) -
          (ce.throttled - ceBefore.throttled),
        putEventsCalls: aws.eventBridge.stats().requests - sinkBefore,
        events: aws.eventBridge.events().length - eventsBefore,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        peakHeapMb: peakHeap / MB,
      };
    };

    progress('first run: every state new');
    const first = await measure();
    // 1 % of the connections degrade before the next run.
    for (const [index, { projectId, id }] of all.entries())
      if (index % 100 === 0) huawei.setConnectionHealth(projectId, id, { lossPercent: 15 });
    progress('steady run: 1 % of the connections degraded');
    const steady = await measure();
    return { ...setting, first, steady };
  } finally {
    await huawei.stop();
    await aws.stop();
  }
};

/** The figures as rows of `npm run bench`'s table (benchmark 9; no target: a measurement). */
export const healthRows = (f: HealthBenchFigures): Row[] => {
  const row = (label: string, key: string, value: number, unit: string, digits: number): Row => ({
    benchmark: '9',
    label,
    key,
    value,
    unit,
    digits,
  });
  const n = f.first.connections;
  return [
    row(
      `health run of ${n} connections, first (states new)`,
      'health_first_run_s',
      f.first.seconds,
      's',
      1,
    ),
    row(`health run of ${n} connections, steady`, 'health_steady_run_s', f.steady.seconds, 's', 1),
    row('health: Cloud Eye calls per run', 'health_cloud_eye_calls', f.steady.cloudEyeCalls, '', 0),
    row('health: VPN API calls per run', 'health_vpn_calls', f.steady.vpnCalls, '', 0),
    row(
      'health: peak heap in a run',
      'health_peak_heap_mb',
      Math.max(f.first.peakHeapMb, f.steady.peakHeapMb),
      'MB',
      0,
    ),
  ];
};

/** The figures as lines for a person. */
const formatHealthBench = (f: HealthBenchFigures): string => {
  const line = (name: string, r: HealthRunFigures) =>
    `  ${name.padEnd(7)} ${r.connections} connections in ${r.seconds.toFixed(1)} s; Cloud Eye ${r.cloudEyeCalls} calls (${r.cloudEyeThrottled} throttled 429s), VPN API ${r.vpnCalls} calls, PutEvents ${r.putEventsCalls} calls, ${r.events} events; peak heap ${r.peakHeapMb.toFixed(0)} MB, peak RSS ${r.peakRssMb.toFixed(0)} MB (stand-ins included)`;
  return [
    `Health: ${f.projects} projects x ${f.perProject} connections, Cloud Eye limited to ${f.cloudEyeRatePerProject} calls/s per project`,
    line('first', f.first),
    line('steady', f.steady),
  ].join('\n');
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      projects: { type: 'string' },
      'per-project': { type: 'string' },
      rate: { type: 'string' },
    },
    strict: true,
  });
  const figures = await runHealthBenchmark(
    {
      projects: Number(values.projects ?? 20),
      perProject: Number(values['per-project'] ?? 500),
      cloudEyeRatePerProject: Number(values.rate ?? 10),
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${formatHealthBench(figures)}\n`);
  process.exit(0);
}
