import { fileURLToPath } from 'node:url';
import { formatTimings, type TimingBreakdown } from '../../local/record-timings.ts';
import { runOnce } from '../lib/children.ts';

const CHILD = fileURLToPath(new URL('./headline-run.ts', import.meta.url));

/** One run of the local pipeline: the product's headline, created -> monitor. */
export interface HeadlineRun {
  connections: number;
  monitored: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** Connections still `PENDING_CREATE` when their event arrived (they make the p99)... */
  pending: number;
  /** ...and how long after turning `ACTIVE` they got their monitor. */
  pendingAfterActiveMedianMs: number;
  pendingAfterActiveMaxMs: number;
  duplicateMonitors: number;
  lostConnections: number;
  timings?: TimingBreakdown;
}

/** Today's bundle and the previous release's, through the same pipeline, one after the other. */
export interface HeadlineFigures {
  today: HeadlineRun;
  baseline: HeadlineRun;
}

/** The run whose median latency is the middle one of `runs` (the lower middle of an even count). */
const middleRun = (runs: readonly HeadlineRun[]): HeadlineRun => {
  const sorted = [...runs].sort((a, b) => a.medianMs - b.medianMs);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new RangeError('no headline runs');
  return middle;
};

/**
 * Runs the local pipeline (npm start's defaults, same seed) `runs` times with each bundle, each
 * run in a fresh process, the two bundles taking turns (and turns about who goes first), and
 * keeps each bundle's middle run: one run is at the mercy of whatever else the machine does.
 * Prints where today's time went in its middle run.
 */
export const benchmarkHeadline = async (
  bundles: { today: string; baseline: string },
  options: { events: number; seed: number; runs: number },
  progress: (line: string) => void,
): Promise<HeadlineFigures> => {
  const run = (modulePath: string) =>
    runOnce<HeadlineRun>(CHILD, [modulePath, String(options.events), String(options.seed)]);
  const todays: HeadlineRun[] = [];
  const baselines: HeadlineRun[] = [];
  for (let round = 0; round < options.runs; round++) {
    const order =
      round % 2 === 0 ? (['today', 'baseline'] as const) : (['baseline', 'today'] as const);
    for (const which of order) {
      const result = await run(bundles[which]);
      (which === 'today' ? todays : baselines).push(result);
      progress(
        `  run ${round + 1}, ${which}: median ${result.medianMs} ms, p99 ${result.p99Ms} ms`,
      );
    }
  }
  const today = middleRun(todays);
  const baseline = middleRun(baselines);
  if (today.timings) for (const line of formatTimings(today.timings)) progress(`  ${line}`);
  return { today, baseline };
};
