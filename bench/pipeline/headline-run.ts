/**
 * Benchmark child: one run of the local pipeline (`npm start`'s defaults: EventGrid, the ingest
 * endpoint, the queue, createMonitor) with a given build of createMonitor, in this fresh
 * process. Sends the created -> monitor figures and the timing breakdown to the parent.
 */
import { pathToFileURL } from 'node:url';
import { runLocalPipeline } from '../../local/pipeline.ts';
import type { HeadlineRun } from './headline.ts';

const [modulePath = '', events = '300', seed = '11'] = process.argv.slice(2);

const { summary } = await runLocalPipeline({
  // npm start's defaults (local/start.ts), so the figure is the one a new user sees.
  events: Number(events),
  duplicateRate: 0.1,
  faultRate: 0.1,
  invalidRate: 0.02,
  seed: Number(seed),
  batchSize: 10,
  concurrency: 2,
  maxReceiveCount: 3,
  viaEventGrid: true,
  createRatePerSecond: 25,
  timings: true,
  handlerModule: pathToFileURL(modulePath).href,
});
const path = summary.ingestPath;
const result: HeadlineRun = {
  connections: path?.connectionsCreated ?? 0,
  monitored: path?.monitored ?? 0,
  medianMs: path?.latencyMs?.median ?? Number.NaN,
  p99Ms: path?.latencyMs?.p99 ?? Number.NaN,
  maxMs: path?.latencyMs?.max ?? Number.NaN,
  pending: path?.pending.count ?? 0,
  pendingAfterActiveMedianMs: path?.pending.afterActiveMs?.median ?? Number.NaN,
  pendingAfterActiveMaxMs: path?.pending.afterActiveMs?.max ?? Number.NaN,
  duplicateMonitors: summary.duplicateMonitors,
  lostConnections: summary.lostConnections,
  ...(summary.timings ? { timings: summary.timings } : {}),
};
process.send?.(result, () => process.exit(0));
