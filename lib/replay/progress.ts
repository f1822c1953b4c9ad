import type { ProgressStream } from '../cli/io.ts';
import { type Clock, systemClock } from './rate-limiter.ts';
import type { ReplayProgress } from './report.ts';

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
