import { targetLabel } from '../config/index.ts';
import type { ReconcileSummary, TargetSummary } from './summary.ts';

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

/** A count as shown: `-` for orphans nobody looked for. */
const cell = (key: (typeof COLUMNS)[number][1], value: number, orphansChecked: boolean): string =>
  key === 'orphansFound' && !orphansChecked ? '-' : String(value);

/**
 * The summary as text: one row per target and a total, then the targets that did not
 * complete and why. `without` counts `ACTIVE`/`DOWN` connections that had no monitor;
 * `orphans` is `-` where the run did not look for them.
 */
export const formatSummary = (summary: ReconcileSummary): string => {
  const anyChecked = summary.targets.some((t) => t.orphansChecked);
  const rows: [string, ...string[]][] = [
    ...summary.targets.map((t): [string, ...string[]] => [
      t.account === undefined ? targetLabel(t) : `${t.account} (${t.source}) ${targetLabel(t)}`,
      ...COLUMNS.map(([, key]) => cell(key, t[key], t.orphansChecked)),
    ]),
    ['total', ...COLUMNS.map(([, key]) => cell(key, summary.total[key], anyChecked))],
  ];
  const width = Math.max(18, ...rows.map(([label]) => label.length));
  const header = ['account and target'.padEnd(width), ...COLUMNS.map(([name]) => name.padStart(9))];
  const lines = [
    '',
    `Reconcile run ${summary.runId}${summary.dryRun ? ' (dry run: nothing queued or deleted)' : ''}`,
    `  ${header.join(' ')}`,
    ...rows.map(
      ([label, ...values]) =>
        `  ${label.padEnd(width)} ${values.map((v) => v.padStart(9)).join(' ')}`,
    ),
    ...(summary.targets.some((t) => !t.orphansChecked && t.error === undefined)
      ? ['  orphans: not looked for (a dry run or --delete-orphans looks for them)']
      : []),
    ...summary.targets
      .filter((t) => t.error !== undefined)
      .map((t) => `  ${targetLabel(t)} not complete: ${t.error}`),
    `  time: ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
};
