import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { VpnTarget } from '../huawei/index.ts';
import type { MetricsSink } from '../metrics.ts';
import { RetryExhaustedError } from '../retry/index.ts';
import type { MonitorSource } from './listing.ts';
import type { TargetPlan } from './plan.ts';

/** The counts of a run, per target and in total, at zero. */
export const zeroCounts = () => ({
  /** VPN connections listed. */
  connectionsSeen: 0,
  /** Connections that have their monitor. */
  alreadyMonitored: 0,
  /** `ACTIVE` or `DOWN` connections without a monitor: queued, or in a dry run to be queued. */
  withoutMonitor: 0,
  /** Messages queued for createMonitor (0 in a dry run). */
  enqueued: 0,
  /** Messages SQS refused; they are queued by the next run. */
  enqueueFailed: 0,
  /** `PENDING_*` connections without a monitor, left for the next run. */
  pending: 0,
  /** Connections without a monitor in another status (`ERROR`), or with an id that is not one. */
  skipped: 0,
  /** Monitors whose connection is gone (0 where orphans were not checked). */
  orphansFound: 0,
  /** Of those, deleted (with `deleteOrphans`, never in a dry run). */
  orphansDeleted: 0,
  /** Pages of connections read. */
  pages: 0,
});

type ReconcileCounts = ReturnType<typeof zeroCounts>;

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
  plan: Omit<TargetPlan, 'alreadyMonitored'>;
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

/** Entries of each plan list the Lambda's answer carries, over all targets. */
export const ANSWER_SAMPLE_SIZE = 20;
/** Targets the answer lists with their counts; the total always covers all of them. */
const ANSWER_MAX_TARGETS = 200;
/** Plan entries per log line: a line stays far below CloudWatch Logs' 256 KB an event. */
const PLAN_LOG_CHUNK = 500;

type PlanKind = keyof TargetSummary['plan'];
const PLAN_KINDS: readonly PlanKind[] = ['enqueue', 'pending', 'skipped', 'orphans'];

/**
 * The answer of the reconcile Lambda, whatever the account size: Lambda refuses a response
 * over 6 MB, and the plan is about 114 bytes a connection. Counts are complete (`total`, and
 * `targetsOmitted` counts the targets left out of `targets`); `planSample` holds the first
 * {@link ANSWER_SAMPLE_SIZE} entries of each plan list over all targets; the full plan goes to
 * the log as "Reconcile plan" lines ({@link planLogLines}).
 */
export const boundedAnswer = (summary: ReconcileSummary) => {
  const planSample = Object.fromEntries(
    PLAN_KINDS.map((kind) => [
      kind,
      summary.targets
        .flatMap(({ projectId, region, plan }) =>
          plan[kind].slice(0, ANSWER_SAMPLE_SIZE).map((entry) => ({ projectId, region, entry })),
        )
        .slice(0, ANSWER_SAMPLE_SIZE),
    ]),
  ) as Record<PlanKind, { projectId: string; region: string; entry: unknown }[]>;
  const counts = countsOnly(summary);
  return {
    ...counts,
    targets: counts.targets.slice(0, ANSWER_MAX_TARGETS),
    targetsOmitted: Math.max(0, summary.targets.length - ANSWER_MAX_TARGETS),
    planSample,
    fullPlan: 'log' as const,
  };
};

/** The reconcile Lambda's answer: every count, and a bounded sample of the plan. */
export type BoundedReconcileAnswer = ReturnType<typeof boundedAnswer>;

/** The full plan as log lines, each a part of one list of one target. */
export const planLogLines = function* (summary: ReconcileSummary) {
  for (const { projectId, region, plan } of summary.targets) {
    for (const list of PLAN_KINDS) {
      const entries: readonly unknown[] = plan[list];
      const parts = Math.ceil(entries.length / PLAN_LOG_CHUNK);
      for (let part = 0; part < parts; part++) {
        yield {
          runId: summary.runId,
          projectId,
          region,
          list,
          part: part + 1,
          parts,
          entries: entries.slice(part * PLAN_LOG_CHUNK, (part + 1) * PLAN_LOG_CHUNK),
        };
      }
    }
  }
};

/**
 * Emits a run's totals. `Orphans` only from a run that looked for them, so no 0 stands for
 * "not looked"; the `ReconcileIncomplete` alarm watches `ReconcileTargetsFailed`.
 */
export const recordReconcileMetrics = (metrics: MetricsSink, summary: ReconcileSummary): void => {
  const { total } = summary;
  const counts: [string, number][] = [
    ['ConnectionsSeen', total.connectionsSeen],
    ['AlreadyMonitored', total.alreadyMonitored],
    ['Enqueued', total.enqueued],
    ['Pending', total.pending],
    ...(summary.targets.some((t) => t.orphansChecked)
      ? [['Orphans', total.orphansFound] as [string, number]]
      : []),
    ['OrphansDeleted', total.orphansDeleted],
    ['ReconcileTargetsFailed', total.targetsFailed],
  ];
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
};
