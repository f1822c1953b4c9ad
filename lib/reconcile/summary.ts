import type { VpnTarget } from '../huawei/index.ts';
import { RetryExhaustedError } from '../retry/index.ts';
import type { OrphanMonitor, PlannedConnection } from './plan.ts';
import type { MonitorSource } from './target-state.ts';

/** The counts of a run, per target and in total. */
export interface ReconcileCounts {
  /** VPN connections listed. */
  connectionsSeen: number;
  /** Connections that have their monitor. */
  alreadyMonitored: number;
  /** `ACTIVE` or `DOWN` connections without a monitor: queued, or in a dry run to be queued. */
  withoutMonitor: number;
  /** Messages queued for createMonitor (0 in a dry run). */
  enqueued: number;
  /** Messages SQS refused; they are queued by the next run. */
  enqueueFailed: number;
  /** `PENDING_*` connections without a monitor, left for the next run. */
  pending: number;
  /** Connections without a monitor in another status (`ERROR`), or with an id that is not one. */
  skipped: number;
  /** Monitors whose connection is gone (0 where orphans were not checked). */
  orphansFound: number;
  /** Of those, deleted (with `deleteOrphans`, never in a dry run). */
  orphansDeleted: number;
  /** Pages of connections read. */
  pages: number;
}

/** What a run found and did for one project in one region. */
export interface TargetSummary extends VpnTarget, ReconcileCounts {
  /** The account the project belongs to, and where its credentials came from. */
  account?: string | undefined;
  source?: string | undefined;
  /**
   * Whether orphans were looked for (a run that deletes them, or a dry run): when not,
   * `orphansFound` is 0 because nobody looked, not because there are none.
   */
  orphansChecked: boolean;
  /** Where the monitors came from: the monitor list, or the connections' `connection_monitor_id`. */
  monitorsFrom?: MonitorSource | undefined;
  /** The connections and monitors behind the counts, for a dry run's listing. */
  plan: {
    enqueue: PlannedConnection[];
    pending: PlannedConnection[];
    skipped: PlannedConnection[];
    orphans: OrphanMonitor[];
  };
  /** Why the target is not complete (listing failed, credentials refused, SQS refused...). */
  error?: string | undefined;
}

/** What a whole run found and did. */
export interface ReconcileSummary {
  runId: string;
  dryRun: boolean;
  deleteOrphans: boolean;
  startedAt: string;
  durationMs: number;
  targets: TargetSummary[];
  total: ReconcileCounts & { targets: number; targetsFailed: number };
}

/** All counts at zero. */
export const zeroCounts = (): ReconcileCounts => ({
  connectionsSeen: 0,
  alreadyMonitored: 0,
  withoutMonitor: 0,
  enqueued: 0,
  enqueueFailed: 0,
  pending: 0,
  skipped: 0,
  orphansFound: 0,
  orphansDeleted: 0,
  pages: 0,
});

/** The counts of every target added up, and how many targets did not complete. */
export const totalOf = (targets: readonly TargetSummary[]): ReconcileSummary['total'] => {
  const total = zeroCounts();
  const keys = Object.keys(total) as (keyof ReconcileCounts)[];
  for (const target of targets) for (const key of keys) total[key] += target[key];
  return {
    ...total,
    targets: targets.length,
    targetsFailed: targets.filter((target) => target.error !== undefined).length,
  };
};

/** The summary without the per-connection plan: what logs and metrics need. */
export const countsOnly = (summary: ReconcileSummary) => ({
  ...summary,
  targets: summary.targets.map(({ plan: _plan, ...counts }) => counts),
});

/** A failure as one line for a summary: the policy's reason when retries ran out, then Huawei's. */
export const describeFailure = (error: unknown): string => {
  if (error instanceof RetryExhaustedError) return `${error.decision.reason}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
};
