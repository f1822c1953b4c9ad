import { type DeadLetterInfo, reasonLabel } from './dead-letter-info.ts';
import {
  MAX_LISTED,
  type MessageOutcome,
  type ReplayedMessage,
  type ReplayProgress,
  type ReplayReport,
  type StopReason,
} from './report.ts';

const count = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Builds a {@link ReplayReport} as a copy replay goes. */
export class ReplayTally {
  private readonly report: ReplayReport;
  private readonly startedAt: number;

  public constructor(base: Pick<ReplayReport, 'mode' | 'dryRun' | 'dlq' | 'to'>, now = Date.now()) {
    this.startedAt = now;
    this.report = {
      ...base,
      stopped: 'drained',
      moved: 0,
      wouldMove: 0,
      skippedByFilter: 0,
      sentNotDeleted: 0,
      failed: 0,
      left: 0,
      metadataDropped: 0,
      reasons: {},
      skippedReasons: {},
      messages: [],
      messagesTruncated: false,
      warnings: [],
      elapsedMs: 0,
    };
  }

  /** A message the filters did not select. */
  public skip(info: DeadLetterInfo): void {
    this.report.skippedByFilter += 1;
    count(this.report.skippedReasons, reasonLabel(info));
  }

  /** The final outcome of a matching message; returns its line of the report. */
  public record(info: DeadLetterInfo, outcome: MessageOutcome, error?: string): ReplayedMessage {
    const fields = {
      moved: 'moved',
      'would-move': 'wouldMove',
      'sent-not-deleted': 'sentNotDeleted',
      failed: 'failed',
      left: 'left',
    } as const;
    this.report[fields[outcome]] += 1;
    count(this.report.reasons, reasonLabel(info));
    const line: ReplayedMessage = {
      messageId: info.messageId,
      vpnConnectionId: info.vpnConnectionId,
      reason: reasonLabel(info),
      description: info.description,
      failedAt: info.failedAt?.toISOString(),
      replayCount: info.replayCount,
      outcome,
      ...(error !== undefined ? { error } : {}),
    };
    if (this.report.messages.length < MAX_LISTED) this.report.messages.push(line);
    else this.report.messagesTruncated = true;
    return line;
  }

  /** Matching messages decided so far: moved, would move, failed... */
  public get decided(): number {
    const r = this.report;
    return r.moved + r.wouldMove + r.sentNotDeleted + r.failed + r.left;
  }

  public metadataDropped(): void {
    this.report.metadataDropped += 1;
  }

  public warn(warning: string): void {
    this.report.warnings.push(warning);
  }

  /** The counts so far. */
  public progress(total: number | undefined, now = Date.now()): ReplayProgress {
    const r = this.report;
    return {
      mode: r.mode,
      dryRun: r.dryRun,
      done: this.decided + r.skippedByFilter,
      total,
      moved: r.moved,
      wouldMove: r.wouldMove,
      skippedByFilter: r.skippedByFilter,
      failed: r.failed + r.sentNotDeleted,
      elapsedMs: now - this.startedAt,
    };
  }

  /** The finished report. */
  public finish(stopped: StopReason, error?: string, now = Date.now()): ReplayReport {
    return {
      ...this.report,
      stopped,
      ...(error !== undefined ? { error } : {}),
      elapsedMs: now - this.startedAt,
    };
  }
}
