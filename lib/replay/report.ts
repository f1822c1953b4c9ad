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

/** Messages listed one by one in a report; a Lambda response must stay well under 6 MB. */
export const MAX_LISTED = 1_000;

/** Running counts of a replay, shown as progress while it runs. */
export interface ReplayProgress {
  mode: 'copy' | 'move-task';
  dryRun: boolean;
  /** Messages looked at (copy) or moved (move-task). */
  done: number;
  /** Roughly how many there are to do, when known. */
  total: number | undefined;
  moved: number;
  wouldMove: number;
  skippedByFilter: number;
  failed: number;
  elapsedMs: number;
}
