import type { ReplayedMessage, ReplayReport } from './report.ts';

const pad = (text: string, width: number): string => text.padEnd(width);

/**
 * Whether replaying a message cannot help: its body could not be read, so createMonitor sends it
 * straight back to the DLQ. A dry run says so instead of promising a move that will not last.
 */
const willFailAgain = (message: ReplayedMessage): boolean => message.reason === 'invalid-input';

/** One matching message as a line: id, connection, reason, failure time, outcome. */
export function formatMessageLine(message: ReplayedMessage): string {
  const outcome =
    message.outcome === 'would-move' && willFailAgain(message)
      ? 'would-move (will fail again: invalid input)'
      : message.outcome;
  const fields = [
    pad(outcome, 16),
    pad(message.messageId, 36),
    pad(message.vpnConnectionId ?? '-', 36),
    pad(message.reason, 20),
    pad(message.failedAt ?? '-', 24),
    message.error ?? message.description,
  ];
  return fields.join('  ').slice(0, 400);
}

const byCount = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');

/** The report as an operator reads it at the end of a command-line replay. */
export function formatReport(report: ReplayReport): string {
  const lines: string[] = [];
  const how = `${report.mode}${report.dryRun ? ', dry run: nothing was moved' : ''}`;
  lines.push(`Replay from ${report.dlq} to ${report.to ?? '(unknown target)'} (${how})`);
  const seconds = report.elapsedMs / 1000;
  const rate = seconds > 0 ? report.moved / seconds : 0;
  const rows: Array<[string, number, string?]> = report.dryRun
    ? [['would move', report.wouldMove, byCount(report.reasons)]]
    : [
        ['moved', report.moved, byCount(report.reasons)],
        ['failed', report.failed],
        ['sent, not deleted', report.sentNotDeleted],
      ];
  if (report.mode === 'copy')
    rows.push(['skipped by filter', report.skippedByFilter, byCount(report.skippedReasons)]);
  if (report.left > 0) rows.push(['left in the DLQ', report.left]);
  if (report.metadataDropped > 0)
    rows.push(['sent without replay metadata', report.metadataDropped]);
  for (const [label, value, detail] of rows) {
    lines.push(`  ${pad(label, 30)}${String(value).padStart(6)}${detail ? `   (${detail})` : ''}`);
  }
  if (report.task !== undefined) {
    const task = report.task;
    lines.push(
      `  move task ${task.status}: ${task.moved} of ${task.toMove ?? '?'} moved${task.failureReason ? `, ${task.failureReason}` : ''}`,
    );
  }
  lines.push(
    `  stopped: ${report.stopped}${report.error ? ` (${report.error})` : ''}, after ${seconds.toFixed(1)} s` +
      (report.dryRun ? '' : `, ${rate.toFixed(1)} messages/s`),
  );
  const failures = report.messages.filter(
    (m) => m.outcome === 'failed' || m.outcome === 'sent-not-deleted',
  );
  if (failures.length > 0) {
    lines.push('Failed:');
    for (const message of failures) lines.push(`  ${formatMessageLine(message)}`);
  }
  const hopeless = report.messages.filter(
    (m) => (m.outcome === 'would-move' || m.outcome === 'moved') && willFailAgain(m),
  ).length;
  if (hopeless > 0) {
    lines.push(
      `invalid-input: ${hopeless === 1 ? '1 message cannot be read and fails' : `${hopeless} messages cannot be read and fail`} again when replayed, back to the DLQ; fix their producer, and replay the others with --reason`,
    );
  }
  if (report.messagesTruncated)
    lines.push(`(only the first ${report.messages.length} messages are listed)`);
  if (report.warnings.length > 0) {
    lines.push('Warnings:');
    for (const warning of report.warnings) lines.push(`  ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}
