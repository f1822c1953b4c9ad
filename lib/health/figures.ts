import {
  type BatchQuery,
  CONNECTION_DIMENSION,
  HEALTH_METRICS,
  MAX_METRICS_PER_CALL,
  MAX_POINTS_PER_CALL,
  type MetricData,
  type MetricSource,
  RAW_INTERVAL_MS,
  RAW_PERIOD,
  VPN_NAMESPACE,
} from './cloud-eye.ts';
import type { HealthFigures } from './decide.ts';

/** The metrics read per connection: its status, and the loss and latency of `source`. */
export const metricNamesOf = (source: MetricSource): string[] => [
  HEALTH_METRICS.status,
  HEALTH_METRICS[source].loss,
  HEALTH_METRICS[source].latency,
];

/**
 * How many connections one batch query can carry: as many of their metrics as Cloud Eye takes
 * in one call (500), and no more than keep the answer within its 3000 points, so Cloud Eye
 * never shortens the window on its own. A window longer than 3000 minutes is one connection
 * per call (and then shortened by Cloud Eye: say so in the configuration's limit).
 */
export const connectionsPerCall = (windowMinutes: number, metricsPerConnection: number): number => {
  const pointsPerMetric = Math.max(1, Math.ceil((windowMinutes * 60_000) / RAW_INTERVAL_MS));
  const metrics = Math.min(MAX_METRICS_PER_CALL, Math.floor(MAX_POINTS_PER_CALL / pointsPerMetric));
  return Math.max(1, Math.floor(metrics / metricsPerConnection));
};

/** Splits `items` into runs of at most `size`. */
export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let at = 0; at < items.length; at += size) chunks.push(items.slice(at, at + size));
  return chunks;
};

/** The batch query of some connections' metrics over the window that ends at `now`. */
export const batchQueryOf = (
  connectionIds: readonly string[],
  source: MetricSource,
  windowMinutes: number,
  now: number,
): BatchQuery => ({
  metrics: connectionIds.flatMap((id) =>
    metricNamesOf(source).map((metric_name) => ({
      namespace: VPN_NAMESPACE,
      metric_name,
      dimensions: [{ name: CONNECTION_DIMENSION, value: id }],
    })),
  ),
  from: now - windowMinutes * 60_000,
  to: now,
  period: RAW_PERIOD,
  filter: 'average',
});

const mean = (values: readonly number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0) / values.length;

/** Rounds a figure for events and logs: two decimals are more than Cloud Eye measures. */
const rounded = (value: number | undefined): number | undefined =>
  value === undefined ? undefined : Math.round(value * 100) / 100;

/**
 * Each connection's figures from a batch answer: the mean loss and latency over the window and
 * the latest status. A metric Cloud Eye answered for a connection not asked about is ignored;
 * a connection asked about with no point at all has `points: 0`.
 */
export const figuresFrom = (
  answer: readonly MetricData[],
  connectionIds: readonly string[],
  source: MetricSource,
): Map<string, HealthFigures> => {
  const names = HEALTH_METRICS[source];
  const collected = new Map<
    string,
    { points: number; loss: number[]; latency: number[]; status?: { at: number; value: number } }
  >(connectionIds.map((id) => [id, { points: 0, loss: [], latency: [] }]));
  for (const metric of answer) {
    const id = metric.dimensions?.find((d) => d.name === CONNECTION_DIMENSION)?.value;
    const entry = id === undefined ? undefined : collected.get(id);
    if (entry === undefined) continue;
    for (const point of metric.datapoints ?? []) {
      const value = point.average;
      if (value === undefined || value === null || !Number.isFinite(value)) continue;
      entry.points += 1;
      if (metric.metric_name === names.loss) entry.loss.push(value);
      else if (metric.metric_name === names.latency) entry.latency.push(value);
      else if (metric.metric_name === HEALTH_METRICS.status) {
        if (entry.status === undefined || point.timestamp >= entry.status.at)
          entry.status = { at: point.timestamp, value };
      }
    }
  }
  const figures = new Map<string, HealthFigures>();
  for (const [id, entry] of collected) {
    figures.set(id, {
      points: entry.points,
      lossPercent: rounded(mean(entry.loss)),
      latencyMs: rounded(mean(entry.latency)),
      status: entry.status?.value,
    });
  }
  return figures;
};
