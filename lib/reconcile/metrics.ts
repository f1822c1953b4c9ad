import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../metrics.ts';
import type { ReconcileSummary } from './summary.ts';

/**
 * Emits a run's totals: `ConnectionsSeen`, `AlreadyMonitored`, `Enqueued`, `Pending`,
 * `Orphans`, `OrphansDeleted`, and `ReconcileTargetsFailed` (targets that did not complete,
 * which the `ReconcileIncomplete` alarm watches).
 */
export const recordReconcileMetrics = (metrics: MetricsSink, summary: ReconcileSummary): void => {
  const { total } = summary;
  const counts: [string, number][] = [
    ['ConnectionsSeen', total.connectionsSeen],
    ['AlreadyMonitored', total.alreadyMonitored],
    ['Enqueued', total.enqueued],
    ['Pending', total.pending],
    ['Orphans', total.orphansFound],
    ['OrphansDeleted', total.orphansDeleted],
    ['ReconcileTargetsFailed', total.targetsFailed],
  ];
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
};
