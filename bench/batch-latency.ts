/**
 * Benchmark 2 alone, as `npm run bench` measures it (the bundled handler warm, batches of 10,
 * every dependency answering after 50 ms), plus where the median batch's time went: each wait
 * on round trips (what was in flight) and the handler's own time between them.
 *
 *   npx --no -- tsx bench/batch-latency.ts [batches] [handler module] [--profile DIR]
 *
 * The module defaults to the artifact `serverless package` builds; pass
 * `bench/baseline/create-monitor.mjs` for the previous release's, to compare in the same minutes.
 * `--profile DIR` writes a CPU profile of the warm handler process (warm-up batches included)
 * into DIR and prints its CPU time by module.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summariseProfile } from './cold-start/profile-summary.ts';
import { prepareArtifact } from './handler/artifact.ts';
import {
  benchmarkBatchLatency,
  ConnectionAllocator,
  compileHandlerWorkers,
  startHandler,
} from './handler/handler-benchmarks.ts';
import type { StandInsReady } from './handler/stand-ins.ts';
import { startWorker } from './lib/children.ts';

const STAND_INS = fileURLToPath(new URL('./handler/stand-ins.ts', import.meta.url));
const LATENCY_MS = 50;
/** Between two marks with requests in flight, a gap at least this long is a wait on them. */
const WAIT_MS = 2;
/** The warm-up batches `benchmarkBatchLatency` runs before the measured ones. */
const WARMUP_BATCHES = 2;

const { values: flags, positionals } = parseArgs({
  options: { profile: { type: 'string' } },
  allowPositionals: true,
  strict: true,
});
const batches = Number(positionals[0] ?? 15);
const modulePath = positionals[1];

interface Mark {
  ms: number;
  what: string;
}

/** One invocation's marks, from `invoke` to `returned`, in ms since `invoke`. */
const invocationsOf = (text: string): Mark[][] => {
  const invocations: Mark[][] = [];
  let current: Mark[] = [];
  let start = 0;
  for (const line of text.split('\n').filter(Boolean)) {
    const [ms = '0', ...rest] = line.split(' ');
    const what = rest.join(' ');
    if (what === 'invoke') {
      start = Number(ms);
      current = [];
    }
    current.push({ ms: Number(ms) - start, what });
    if (what === 'returned') invocations.push(current);
  }
  return invocations;
};

/** The invocation's time as waits on round trips (named by what was in flight) and the rest. */
const breakdown = (marks: Mark[]): string[] => {
  const inFlight = new Map<string, number>();
  const lines: string[] = [];
  let handlerMs = 0;
  for (let i = 1; i < marks.length; i++) {
    const previous = marks[i - 1] as Mark;
    const mark = marks[i] as Mark;
    const [kind = '', ...name] = previous.what.split(' ');
    const request = name.join(' ');
    if (kind === 'start') inFlight.set(request, (inFlight.get(request) ?? 0) + 1);
    if (kind === 'finish') {
      const left = (inFlight.get(request) ?? 1) - 1;
      if (left === 0) inFlight.delete(request);
      else inFlight.set(request, left);
    }
    const gap = mark.ms - previous.ms;
    if (inFlight.size > 0 && gap >= WAIT_MS) {
      const what = [...inFlight].map(([key, count]) => `${count}x ${key}`).join(', ');
      lines.push(
        `    ${previous.ms.toFixed(1).padStart(6)} ms  waits ${gap.toFixed(1).padStart(5)} ms on ${what}`,
      );
    } else handlerMs += gap;
  }
  const total = (marks.at(-1) as Mark).ms;
  lines.push(
    `    handler's own time between the waits (CPU, and answers still arriving): ${handlerMs.toFixed(1)} ms of ${total.toFixed(1)} ms`,
  );
  return lines;
};

const built = await prepareArtifact(undefined);
const artifact = modulePath === undefined ? built : { ...built, modulePath };
const workers = await compileHandlerWorkers();
const connections = new ConnectionAllocator();
const directory = mkdtempSync(join(tmpdir(), 'batch-latency-'));
const timelineFile = join(directory, 'timeline.txt');
process.env.BENCH_TIMELINE_FILE = timelineFile;
const standIns = await startWorker<StandInsReady>(STAND_INS, [
  String((batches + WARMUP_BATCHES) * 10),
]);
try {
  const handler = await startHandler(workers, artifact, standIns.ready, connections, {
    memoryMb: artifact.memoryMb,
    capacity: (batches + WARMUP_BATCHES) * 10,
    profileDirectory: flags.profile,
  });
  const figures = await benchmarkBatchLatency(handler, standIns, {
    latencyMs: LATENCY_MS,
    batches,
  });
  await handler.stop();
  const measured = invocationsOf(readFileSync(timelineFile, 'utf8')).slice(WARMUP_BATCHES);
  const byDuration = [...measured].sort((a, b) => (a.at(-1)?.ms ?? 0) - (b.at(-1)?.ms ?? 0));
  const median = byDuration[Math.floor(byDuration.length / 2)];
  process.stdout.write(
    `${modulePath ?? `the artifact (${built.built ? 'built now' : 'up to date'})`}: ` +
      `batch of 10 at ${LATENCY_MS} ms, median of ${batches}: ${figures.batchMs.toFixed(1)} ms = ` +
      `${figures.dependencyLatencies.toFixed(2)} latencies\n`,
  );
  if (median !== undefined) {
    process.stdout.write('  a median batch:\n');
    for (const line of breakdown(median)) process.stdout.write(`${line}\n`);
  }
  const profile = flags.profile === undefined ? [] : readdirSync(flags.profile);
  for (const file of profile.filter((name) => name.endsWith('.cpuprofile'))) {
    process.stdout.write(`  the handler process's CPU by module (${file}):\n`);
    for (const [module, ms] of summariseProfile(join(flags.profile ?? '', file)).slice(0, 25)) {
      process.stdout.write(`  ${ms.toFixed(1).padStart(8)} ms  ${module}\n`);
    }
  }
} finally {
  await standIns.stop();
  rmSync(directory, { recursive: true, force: true });
}
