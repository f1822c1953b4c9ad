import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../lib/metrics.ts';
import {
  type ReconcileSummary,
  recordReconcileMetrics,
  totalOf,
  zeroCounts,
} from '../../../lib/reconcile/summary.ts';

const target = (counts: Partial<ReturnType<typeof zeroCounts>>, error?: string) => ({
  projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
  region: 'cn-north-4',
  ...zeroCounts(),
  ...counts,
  orphansChecked: true,
  plan: { enqueue: [], pending: [], skipped: [], orphans: [] },
  ...(error ? { error } : {}),
});

describe('recordReconcileMetrics', () => {
  it('emits the totals of every target, and how many did not complete', () => {
    // Prepare
    const targets = [
      target({
        connectionsSeen: 10,
        alreadyMonitored: 6,
        enqueued: 3,
        pending: 1,
        orphansFound: 2,
      }),
      target(
        { connectionsSeen: 5, enqueued: 5, orphansFound: 1, orphansDeleted: 1 },
        'SQS refused',
      ),
    ];
    const summary: ReconcileSummary = {
      runId: 'run',
      dryRun: false,
      deleteOrphans: true,
      startedAt: '2026-11-26T00:00:00.000Z',
      durationMs: 1,
      targets,
      total: totalOf(targets),
    };
    const metrics = createMetrics();

    // Act
    recordReconcileMetrics(metrics, summary);
    const emf = metrics.serializeMetrics();

    // Assess
    const names = emf._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name) ?? [];
    expect(Object.fromEntries(names.map((name) => [name, emf[name]]))).toEqual({
      ConnectionsSeen: 15,
      AlreadyMonitored: 6,
      Enqueued: 8,
      Pending: 1,
      Orphans: 3,
      OrphansDeleted: 1,
      ReconcileTargetsFailed: 1,
    });
  });

  it('emits no Orphans from a run that did not look for them, rather than a 0', () => {
    // Prepare: an ordinary run, which decided from connection_monitor_id alone
    const targets = [
      { ...target({ connectionsSeen: 4, alreadyMonitored: 4 }), orphansChecked: false },
    ];
    const summary: ReconcileSummary = {
      runId: 'run',
      dryRun: false,
      deleteOrphans: false,
      startedAt: '2026-11-26T00:00:00.000Z',
      durationMs: 1,
      targets,
      total: totalOf(targets),
    };
    const metrics = createMetrics();

    // Act
    recordReconcileMetrics(metrics, summary);
    const emf = metrics.serializeMetrics();

    // Assess
    const names = emf._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name) ?? [];
    expect(names).not.toContain('Orphans');
    expect(names).toContain('OrphansDeleted');
    expect(emf.AlreadyMonitored).toBe(4);
  });
});
