/**
 * `npm run bench`: the benchmarks of this project, side by side with what users would
 * pick instead, on this machine. Prints a table (PASS/MISS per target; nothing fails on a
 * miss) and writes the same figures as one JSON object to `bench/results/latest.json`.
 *
 *   npm run bench                 # the full run, a few minutes
 *   npm run bench -- --quick      # fewer and shorter rounds: a smoke test of the benchmarks
 *   npm run bench -- --profile    # also write CPU profiles of the measured processes
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { figureRows } from './figures.ts';
import { runFleetBenchmarks } from './fleet/fleet-benchmarks.ts';
import { prepareArtifact } from './handler/artifact.ts';
import {
  benchmarkBatchLatency,
  benchmarkColdStart,
  benchmarkSteadyState,
  ConnectionAllocator,
  compileHandlerWorkers,
  startHandler,
} from './handler/handler-benchmarks.ts';
import type { StandInsReady } from './handler/stand-ins.ts';
import { healthRows, runHealthBenchmark } from './health/health-bench.ts';
import { startWorker } from './lib/children.ts';
import { describeMachine } from './lib/machine.ts';
import { benchmarkHeadline } from './pipeline/headline.ts';
import { machineLine, markdownTable, type Row, textTable } from './report.ts';
import { benchmarkSignedCalls } from './signed-calls/signed-calls.ts';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean' }, profile: { type: 'boolean' } },
  strict: true,
});

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
/** The previous release's bundle (bench/baseline/README.md), measured beside today's. */
const BASELINE_MODULE = fileURLToPath(new URL('./baseline/create-monitor.mjs', import.meta.url));
const STAND_INS = fileURLToPath(new URL('./handler/stand-ins.ts', import.meta.url));

/** Every dependency's latency in benchmark 2; the figure is reported in these. */
const DEPENDENCY_LATENCY_MS = 50;
/** The memory size the steady-state target is about: Lambda's smallest that makes sense. */
const STEADY_STATE_MEMORY_MB = 128;
const BATCH_SIZE = 10;
/** Calls in flight for every client of benchmark 1, and connections of the undici pools. */
const CONCURRENCY = 16;

const settings = flags.quick
  ? {
      signed: { roundMs: 300, warmupRounds: 1, rounds: 3 },
      coldRuns: 3,
      latencyBatches: 3,
      steady: { records: 1_000, runs: 1, warmupRecords: 100 },
      baseline: { records: 1_000, runs: 1, warmupRecords: 100 },
      fleet: { backlog: 500, rate: 50 },
      headline: { events: 100, seed: 11, runs: 1 },
    }
  : {
      signed: { roundMs: 1_000, warmupRounds: 2, rounds: 5 },
      coldRuns: 7,
      latencyBatches: 7,
      steady: { records: 10_000, runs: 3, warmupRecords: 500 },
      baseline: { records: 5_000, runs: 3, warmupRecords: 500 },
      fleet: { backlog: 5_000, rate: 100 },
      headline: { events: 300, seed: 11, runs: 3 },
    };

const started = performance.now();
const progress = (line: string): void => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${seconds} s] ${line}\n`);
};
const profileDirectory = flags.profile
  ? join(RESULTS, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
  : undefined;
if (profileDirectory !== undefined) mkdirSync(profileDirectory, { recursive: true });

const machine = describeMachine();
progress(`machine: ${machineLine(machine)}`);

progress('1 and 5: signed creates against the Huawei simulator in its own process');
const signed = await benchmarkSignedCalls(
  {
    ...settings.signed,
    maxCreatesPerRound: 50_000,
    concurrency: CONCURRENCY,
    connections: CONCURRENCY,
    reuseCreates: 1_000,
    reuseRuns: 3,
    reuseConcurrency: 64,
    profileDirectory,
  },
  progress,
);

progress('3: the artifact `serverless package` builds');
const artifact = await prepareArtifact(
  profileDirectory === undefined ? undefined : join(profileDirectory, 'artifact'),
);
progress(
  `  ${artifact.built ? 'built now' : 'up to date'}: handler module ${artifact.moduleBytes} bytes`,
);
const workers = await compileHandlerWorkers();
const connections = new ConnectionAllocator();
const needed =
  settings.coldRuns +
  1 +
  (settings.latencyBatches + 2) * BATCH_SIZE +
  settings.steady.warmupRecords +
  settings.steady.runs * settings.steady.records +
  settings.baseline.warmupRecords +
  settings.baseline.runs * settings.baseline.records;
const standIns = await startWorker<StandInsReady>(STAND_INS, [String(needed)]);

let figures: Row[];
try {
  progress('3: cold starts of the bundled handler, and the official SDK core imported');
  const cold = await benchmarkColdStart(
    workers,
    artifact,
    standIns.ready,
    connections,
    settings.coldRuns,
    profileDirectory,
  );
  if (cold.profile !== undefined) {
    const total = cold.profile.reduce((sum, [, ms]) => sum + ms, 0);
    progress(
      `  a profiled cold start (init and first record), ${total.toFixed(0)} ms of CPU by module:`,
    );
    for (const [module, ms] of cold.profile.slice(0, 15)) {
      progress(`  ${ms.toFixed(1).padStart(8)} ms  ${module}`);
    }
  }

  progress(
    `2: batches of ${BATCH_SIZE} with every dependency answering after ${DEPENDENCY_LATENCY_MS} ms`,
  );
  const latencyBatches = (settings.latencyBatches + 2) * BATCH_SIZE;
  const warm = await startHandler(workers, artifact, standIns.ready, connections, {
    memoryMb: artifact.memoryMb,
    capacity: latencyBatches,
  });
  const latency = await benchmarkBatchLatency(warm, standIns, {
    latencyMs: DEPENDENCY_LATENCY_MS,
    batches: settings.latencyBatches,
  });
  await warm.stop();

  progress(
    `4: ${settings.steady.records} records through the handler (${STEADY_STATE_MEMORY_MB} MB heap), stand-ins answering at once`,
  );
  const steadyHandler = await startHandler(workers, artifact, standIns.ready, connections, {
    memoryMb: STEADY_STATE_MEMORY_MB,
    capacity: settings.steady.warmupRecords + settings.steady.runs * settings.steady.records,
    profileDirectory,
  });
  const awsCalls = () =>
    standIns.call<{ dynamodb: number; sqs: number; eventbridge: number }>('awsCalls');
  const callsPerRecord = async (run: () => Promise<unknown>, records: number) => {
    const before = await awsCalls();
    await run();
    const after = await awsCalls();
    return (
      (after.dynamodb -
        before.dynamodb +
        after.sqs -
        before.sqs +
        after.eventbridge -
        before.eventbridge) /
      records
    );
  };
  let steady: Awaited<ReturnType<typeof benchmarkSteadyState>> | undefined;
  const steadyRecords =
    settings.steady.warmupRecords + settings.steady.runs * settings.steady.records;
  const awsCallsPerRecord = await callsPerRecord(async () => {
    steady = await benchmarkSteadyState(steadyHandler, settings.steady, progress);
  }, steadyRecords);
  await steadyHandler.stop();

  progress(`4b: the previous release's bundle (bench/baseline), the same way, in the same run`);
  const baselineHandler = await startHandler(
    workers,
    { ...artifact, modulePath: BASELINE_MODULE },
    standIns.ready,
    connections,
    {
      memoryMb: STEADY_STATE_MEMORY_MB,
      capacity:
        settings.baseline.warmupRecords + settings.baseline.runs * settings.baseline.records,
    },
  );
  let baseline: Awaited<ReturnType<typeof benchmarkSteadyState>> | undefined;
  const baselineAwsCallsPerRecord = await callsPerRecord(
    async () => {
      baseline = await benchmarkSteadyState(baselineHandler, settings.baseline, progress);
    },
    settings.baseline.warmupRecords + settings.baseline.runs * settings.baseline.records,
  );
  await baselineHandler.stop();
  if (steady === undefined || baseline === undefined) throw new Error('steady state not measured');

  progress(
    `8: created -> monitor through the local pipeline (npm start's defaults, seed ${settings.headline.seed}), today's bundle and the previous release's`,
  );
  const headline = await benchmarkHeadline(
    { today: artifact.modulePath, baseline: BASELINE_MODULE },
    settings.headline,
    progress,
  );
  const fleet = await runFleetBenchmarks(settings.fleet, progress);

  figures = figureRows({
    signed,
    latency,
    latencyMs: DEPENDENCY_LATENCY_MS,
    batchSize: BATCH_SIZE,
    bundleBytes: artifact.moduleBytes,
    zipBytes: artifact.zipBytes,
    cold,
    steady,
    baseline: {
      awsCallsPerRecord: baselineAwsCallsPerRecord,
      cpuMsPerRecord: baseline.cpuMsPerRecord,
    },
    awsCallsPerRecord,
    fleet,
    headline,
  });
} finally {
  await standIns.stop();
  artifact.remove();
}

progress('9: health of 10,000 monitored connections over 20 projects, Cloud Eye rate-limited');
figures.push(
  ...healthRows(
    await runHealthBenchmark(
      flags.quick
        ? { projects: 4, perProject: 250, cloudEyeRatePerProject: 10 }
        : { projects: 20, perProject: 500, cloudEyeRatePerProject: 10 },
      progress,
    ),
  ),
);

const json = {
  ...machine,
  generated_at: new Date().toISOString(),
  quick: flags.quick === true,
  ...Object.fromEntries(figures.map((row) => [row.key, Number(row.value.toFixed(row.digits + 1))])),
  signed_calls_concurrency: CONCURRENCY,
  dependency_latency_ms: DEPENDENCY_LATENCY_MS,
  steady_records: settings.steady.records,
  steady_heap_memory_mb: STEADY_STATE_MEMORY_MB,
  reuse_creates: signed.reuse.creates,
  reuse_pool_connections: signed.reuse.poolConnections,
};
mkdirSync(RESULTS, { recursive: true });
const jsonPath = join(RESULTS, 'latest.json');
writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(
  join(RESULTS, 'latest.md'),
  `${markdownTable(figures)}\n\nMachine: ${machineLine(machine)}.\n`,
);

process.stdout.write(`\n${textTable(figures)}\n\nMachine: ${machineLine(machine)}\n`);
process.stdout.write(`Figures as JSON: ${jsonPath}\n`);
if (profileDirectory !== undefined) process.stdout.write(`CPU profiles: ${profileDirectory}\n`);
progress('done');
process.exit(0);
