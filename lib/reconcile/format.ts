import type { ReconcileSummary, TargetSummary } from './summary.ts';
import { targetLabel } from './targets.ts';

/** The plan of a target as lines: what would be queued, what waits, what is orphaned. */
export const formatPlan = (target: TargetSummary, summary: ReconcileSummary): string[] => {
  const queued = summary.dryRun ? 'would enqueue' : 'enqueued';
  const orphan = summary.dryRun
    ? summary.deleteOrphans
      ? 'would delete'
      : 'kept (pass --delete-orphans to delete)'
    : summary.deleteOrphans
      ? 'deleted'
      : 'kept (pass --delete-orphans to delete)';
  return [
    ...target.plan.enqueue.map(({ id, status }) => `  ${queued.padEnd(13)}  ${id}  ${status}`),
    ...target.plan.pending.map(({ id, status }) => `  ${'pending'.padEnd(13)}  ${id}  ${status}`),
    ...target.plan.skipped.map(({ id, status }) => `  ${'skipped'.padEnd(13)}  ${id}  ${status}`),
    ...target.plan.orphans.map(
      ({ monitorId, vpnConnectionId }) =>
        `  ${'orphan'.padEnd(13)}  monitor ${monitorId} of gone connection ${vpnConnectionId}: ${orphan}`,
    ),
  ];
};

const COLUMNS = [
  ['seen', 'connectionsSeen'],
  ['monitored', 'alreadyMonitored'],
  ['without', 'withoutMonitor'],
  ['enqueued', 'enqueued'],
  ['pending', 'pending'],
  ['skipped', 'skipped'],
  ['orphans', 'orphansFound'],
  ['deleted', 'orphansDeleted'],
  ['pages', 'pages'],
] as const;

/**
 * The summary as text: one row per target and a total, then the targets that did not
 * complete and why. `without` counts `ACTIVE`/`DOWN` connections that had no monitor.
 */
export const formatSummary = (summary: ReconcileSummary): string => {
  const rows: [string, ...number[]][] = [
    ...summary.targets.map((t): [string, ...number[]] => [
      t.account === undefined ? targetLabel(t) : `${t.account} (${t.source}) ${targetLabel(t)}`,
      ...COLUMNS.map(([, key]) => t[key]),
    ]),
    ['total', ...COLUMNS.map(([, key]) => summary.total[key])],
  ];
  const width = Math.max(18, ...rows.map(([label]) => label.length));
  const header = ['account and target'.padEnd(width), ...COLUMNS.map(([name]) => name.padStart(9))];
  const lines = [
    '',
    `Reconcile run ${summary.runId}${summary.dryRun ? ' (dry run: nothing queued or deleted)' : ''}`,
    `  ${header.join(' ')}`,
    ...rows.map(
      ([label, ...values]) =>
        `  ${label.padEnd(width)} ${values.map((v) => String(v).padStart(9)).join(' ')}`,
    ),
    ...summary.targets
      .filter((t) => t.error !== undefined)
      .map((t) => `  ${targetLabel(t)} not complete: ${t.error}`),
    `  time: ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
};
