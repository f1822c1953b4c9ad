import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { HealthState } from './decide.ts';
import type { HealthSummary } from './run-health.ts';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The metric each state's connections are counted in (the dashboard's "connections by health"). */
const STATE_METRICS: Record<HealthState, string> = {
  healthy: 'ConnectionsHealthy',
  degraded: 'ConnectionsDegraded',
  down: 'ConnectionsDown',
  'no-data': 'ConnectionsNoData',
  pending: 'ConnectionsMonitorPending',
  gone: 'ConnectionsGone',
};

/**
 * Emits a run's totals (embedded metric format, like the other functions): connections by
 * state, `HealthChanges`, `HealthEventsPublished`, `HealthEventsPending`, `CloudEyeCalls`,
 * `HealthTargetsFailed`. With `perConnection`, each checked connection's loss and latency too,
 * as one metric blob per figure and connection (its own dimension): custom metrics, billed per connection.
 */
export const recordHealthMetrics = (
  metrics: Pick<Metrics, 'addMetric' | 'singleMetric'>,
  summary: HealthSummary,
  perConnection: boolean,
): void => {
  const { total } = summary;
  for (const [state, name] of Object.entries(STATE_METRICS) as [HealthState, string][])
    metrics.addMetric(name, MetricUnit.Count, total.byState[state]);
  metrics.addMetric('HealthChanges', MetricUnit.Count, total.changes);
  metrics.addMetric('HealthEventsPublished', MetricUnit.Count, total.eventsPublished);
  metrics.addMetric('HealthEventsPending', MetricUnit.Count, total.eventsPending);
  metrics.addMetric('CloudEyeCalls', MetricUnit.Count, total.cloudEyeCalls);
  metrics.addMetric('HealthTargetsFailed', MetricUnit.Count, total.targetsFailed);
  if (!perConnection) return;
  for (const { connectionId, figures } of summary.targets.flatMap((t) => t.connections)) {
    if (figures === undefined || figures.points === 0) continue;
    // A single metric is flushed, its dimensions cleared, by each addMetric: one per figure.
    const emit = (name: string, unit: Unit, value: number | undefined): void => {
      if (value === undefined) return;
      const single = metrics.singleMetric();
      single.addDimension('vpn_connection_id', connectionId);
      single.addMetric(name, unit, value);
    };
    emit('ConnectionPacketLoss', MetricUnit.Percent, figures.lossPercent);
    emit('ConnectionLatency', MetricUnit.Milliseconds, figures.latencyMs);
  }
};
