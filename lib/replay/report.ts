import { type DeadLetterInfo, reasonLabel } from './dead-letter-info.ts';

/** Why a replay ended. */
export type StopReason =
  /** Every visible message of the DLQ was looked at. */
  | 'drained'
  | 'max-reached'
  /** The caller's deadline (the Lambda's timeout, less a margin) came near. */
  | 'deadline'
  /** The caller's signal fired (Ctrl-C). */
  | 'aborted'
  /** SQS refused a whole call; see `error`. */
  | 'error'
  | 'task-completed'
  | 'task-failed'
  | 'task-cancelled';

/** What became of one message that matched the filters. */
export type MessageOutcome =
  /** Sent to the target, confirmed, and deleted from the DLQ. */
  | 'moved'
  /** Dry run: it would have been moved. */
  | 'would-move'
  /** Sent and confirmed, but the DLQ copy could not be deleted: it is in both queues. */
  | 'sent-not-deleted'
  /** Not sent; still in the DLQ. */
  | 'failed'
  /** Not tried, because the replay stopped first; still in the DLQ. */
  | 'left';

/** One matching message in the report. */
export interface ReplayedMessage {
  messageId: string;
  vpnConnectionId: string | undefined;
  reason: string;
  description: string;
  failedAt: string | undefined;
  replayCount: number;
  outcome: MessageOutcome;
  error?: string;
}

/** The state of an SQS message move task, as `ListMessageMoveTasks` last reported it. */
export interface MoveTaskState {
  taskHandle: string | undefined;
  status: string;
  moved: number;
  toMove: number | undefined;
  failureReason: string | undefined;
}

/** What a replay did, for the operator: the CLI prints it, the Lambda returns it. */
export interface ReplayReport {
  mode: 'copy' | 'move-task';
  dryRun: boolean;
  dlq: string;
  to: string | undefined;
  stopped: StopReason;
  error?: string;
  moved: number;
  wouldMove: number;
  skippedByFilter: number;
  sentNotDeleted: number;
  failed: number;
  left: number;
  /** Copies sent without `vpn_monitor_replay`, for lack of room (10 attributes, 256 KB). */
  metadataDropped: number;
  /** Matching messages by reason (failure code, else kind). */
  reasons: Record<string, number>;
  /** Messages the filters skipped, by reason: what is left in the DLQ. */
  skippedReasons: Record<string, number>;
  /** The matching messages, the first {@link MAX_LISTED} of them. */
  messages: ReplayedMessage[];
  messagesTruncated: boolean;
  warnings: string[];
  task?: MoveTaskState;
  elapsedMs: number;
}

/** What the replay settled on before moving anything. */
export type ReplayStart = Pick<ReplayReport, 'mode' | 'dryRun' | 'dlq' | 'to'>;

/** Running counts of a replay, shown as progress while it runs. */
export type ReplayProgress = Pick<
  ReplayReport,
  'mode' | 'dryRun' | 'moved' | 'wouldMove' | 'skippedByFilter' | 'failed' | 'elapsedMs'
> & {
  /** Messages looked at (copy) or moved (move-task). */
  done: number;
  /** Roughly how many there are to do, when known. */
  total: number | undefined;
};

/** Messages listed one by one in a report; a Lambda response must stay well under 6 MB. */
const MAX_LISTED = 1_000;

/** A report of a replay that has done nothing yet. */
export const emptyReport = (start: ReplayStart): ReplayReport => ({
  ...start,
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
});

const count = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const OUTCOME_FIELDS = {
  moved: 'moved',
  'would-move': 'wouldMove',
  'sent-not-deleted': 'sentNotDeleted',
  failed: 'failed',
  left: 'left',
} as const;

/** Builds a {@link ReplayReport} as a copy replay goes. */
export class ReplayTally {
  private readonly report: ReplayReport;

  public constructor(
    start: ReplayStart,
    private readonly startedAt: number,
    /** Called with each message's line once its outcome is known. */
    private readonly onMessage: ((line: ReplayedMessage) => void) | undefined,
  ) {
    this.report = emptyReport(start);
  }

  /** A message the filters did not select. */
  public skip(info: DeadLetterInfo): void {
    this.report.skippedByFilter += 1;
    count(this.report.skippedReasons, reasonLabel(info));
  }

  /** The final outcome of a matching message. */
  public record(info: DeadLetterInfo, outcome: MessageOutcome, error?: string): void {
    this.report[OUTCOME_FIELDS[outcome]] += 1;
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
    this.onMessage?.(line);
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
  public progress(total: number | undefined, now: number): ReplayProgress {
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
  public finish(stopped: StopReason, error: string | undefined, now: number): ReplayReport {
    return {
      ...this.report,
      stopped,
      ...(error !== undefined ? { error } : {}),
      elapsedMs: now - this.startedAt,
    };
  }
}
