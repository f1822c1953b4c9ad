import type { ReplayedMessage, ReplayProgress, ReplayReport } from './report.ts';
import { type Clock, systemClock } from './runtime.ts';

/** Where progress is written: stderr, as Node gives it. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

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

/** A progress display. */
export interface ProgressDisplay {
  update(progress: ReplayProgress): void;
  /** Ends the display; the last state stays on screen. */
  finish(): void;
}

const BAR_WIDTH = 24;

const duration = (ms: number): string => {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/**
 * The total to show: SQS's count of the DLQ is approximate, and messages that arrive during the
 * replay are replayed too, so once more are done than it said, the count done is the better guess
 * (never "6 of about 5").
 */
const estimatedTotal = (progress: ReplayProgress): number | undefined =>
  progress.total === undefined ? undefined : Math.max(progress.total, progress.done);

/** The counts of a progress snapshot as words: `moved 40, skipped 5, failed 0, 12.3/s`. */
function describeProgress(progress: ReplayProgress): string {
  const moved = progress.dryRun ? `would move ${progress.wouldMove}` : `moved ${progress.moved}`;
  const rate = progress.elapsedMs > 0 ? (progress.moved * 1000) / progress.elapsedMs : 0;
  const parts = [moved];
  if (progress.mode === 'copy') {
    parts.push(`skipped ${progress.skippedByFilter}`, `failed ${progress.failed}`);
  }
  if (!progress.dryRun) parts.push(`${rate.toFixed(1)}/s`);
  return parts.join(', ');
}

/**
 * A bar redrawn in place on a terminal, at most ten times a second:
 * `copy [##########--------------]  45/100  moved 40, skipped 5, failed 0, 12.3/s  0:04`.
 */
export function terminalProgress(
  stream: ProgressStream,
  clock: Clock = systemClock,
): ProgressDisplay {
  let last: ReplayProgress | undefined;
  let drawnAt = Number.NEGATIVE_INFINITY;
  const draw = (progress: ReplayProgress): void => {
    const total = estimatedTotal(progress);
    const ratio = total === undefined || total === 0 ? 0 : Math.min(1, progress.done / total);
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    const count = total === undefined ? `${progress.done}` : `${progress.done}/${total}`;
    const line = `${progress.mode} ${bar}  ${count}  ${describeProgress(progress)}  ${duration(progress.elapsedMs)}`;
    stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns ?? 120) - 1))}`);
    drawnAt = clock.now();
  };
  return {
    update(progress) {
      last = progress;
      if (clock.now() - drawnAt >= 100) draw(progress);
    },
    finish() {
      if (last !== undefined) {
        draw(last);
        stream.write('\n');
      }
    },
  };
}

/** Plain lines, one every `intervalMs` at most, for CI logs and files. */
export function lineProgress(
  writeLine: (line: string) => void,
  intervalMs = 5_000,
  clock: Clock = systemClock,
): ProgressDisplay {
  let writtenAt = Number.NEGATIVE_INFINITY;
  return {
    update(progress) {
      if (clock.now() - writtenAt < intervalMs) return;
      writtenAt = clock.now();
      const total = estimatedTotal(progress);
      const of = total === undefined ? '' : ` of about ${total}`;
      writeLine(
        `replay (${progress.mode}): ${progress.done}${of} done; ${describeProgress(progress)}`,
      );
    },
    finish() {
      // Nothing to close: every line is complete, and the report follows.
    },
  };
}
