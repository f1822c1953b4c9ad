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

/**
 * Runs the local pipeline (npm start's defaults, same seed) once with each bundle, each in a
 * fresh process, and prints where today's time went.
 */
export const benchmarkHeadline = async (
  bundles: { today: string; baseline: string },
  options: { events: number; seed: number },
  progress: (line: string) => void,
): Promise<HeadlineFigures> => {
  const run = (modulePath: string) =>
    runOnce<HeadlineRun>(CHILD, [modulePath, String(options.events), String(options.seed)]);
  const today = await run(bundles.today);
  if (today.timings) for (const line of formatTimings(today.timings)) progress(`  ${line}`);
  const baseline = await run(bundles.baseline);
  progress(
    `  previous release: median ${baseline.medianMs} ms, p99 ${baseline.p99Ms} ms; today: median ${today.medianMs} ms, p99 ${today.p99Ms} ms`,
  );
  return { today, baseline };
};
