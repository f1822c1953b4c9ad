import { describe, expect, it } from 'vitest';
import {
  ANSWER_SAMPLE_SIZE,
  boundedAnswer,
  planLogLines,
  type ReconcileSummary,
  totalOf,
  zeroCounts,
} from '../../../lib/reconcile/summary.ts';

/** A run over one project with `count` connections without a monitor. */
const summaryOf = (count: number): ReconcileSummary => {
  const enqueue = Array.from({ length: count }, (_, i) => ({
    id: `${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`,
    status: 'ACTIVE',
  }));
  const targets = [
    {
      projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
      region: 'cn-north-4',
      ...zeroCounts(),
      connectionsSeen: count,
      withoutMonitor: count,
      enqueued: count,
      orphansChecked: true,
      plan: { enqueue, pending: [], skipped: [], orphans: [] },
    },
  ];
  return {
    runId: 'run',
    dryRun: false,
    deleteOrphans: false,
    startedAt: '2026-12-01T00:00:00.000Z',
    durationMs: 1,
    targets,
    total: totalOf(targets),
  };
};

describe('boundedAnswer', () => {
  it('answers 60,000 connections in a few kilobytes, with every count', () => {
    // Act: a run's full summary at 60,000 connections outgrows Lambda's 6 MB response limit
    const answer = boundedAnswer(summaryOf(60_000));
    // Assess
    expect(JSON.stringify(answer).length).toBeLessThan(16 * 1024);
    expect(answer.total.enqueued).toBe(60_000);
    expect(answer.planSample.enqueue).toHaveLength(ANSWER_SAMPLE_SIZE);
    expect(answer.targets[0]).not.toHaveProperty('plan');
  });

  it('logs the full plan in lines well under CloudWatch Logs’ 256 KB', () => {
    // Act
    const summary = summaryOf(60_000);
    const lines = [...planLogLines(summary)];
    // Assess: every connection once, in order
    expect(lines.flatMap((line) => line.entries)).toEqual(summary.targets[0]?.plan.enqueue);
    for (const line of lines) expect(JSON.stringify(line).length).toBeLessThan(64 * 1024);
    expect(lines[0]).toMatchObject({ list: 'enqueue', part: 1, parts: lines.length });
  });
});
