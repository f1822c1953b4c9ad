import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../metrics.ts';
import type { ReconcileSummary } from './summary.ts';

/**
 * Emits a run's totals: `ConnectionsSeen`, `AlreadyMonitored`, `Enqueued`, `Pending`,
 * `Orphans` (only from a run that looked for them, so no 0 stands for "not looked"),
 * `OrphansDeleted`, and `ReconcileTargetsFailed` (targets that did not complete, which the
 * `ReconcileIncomplete` alarm watches).
 */
export const recordReconcileMetrics = (metrics: MetricsSink, summary: ReconcileSummary): void => {
  const { total } = summary;
  const counts: [string, number][] = [
    ['ConnectionsSeen', total.connectionsSeen],
    ['AlreadyMonitored', total.alreadyMonitored],
    ['Enqueued', total.enqueued],
    ['Pending', total.pending],
    ...(summary.targets.some((t) => t.orphansChecked)
      ? [['Orphans', total.orphansFound] as [string, number]]
      : []),
    ['OrphansDeleted', total.orphansDeleted],
    ['ReconcileTargetsFailed', total.targetsFailed],
  ];
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
};
