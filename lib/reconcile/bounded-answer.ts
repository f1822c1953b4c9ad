import type { ReconcileSummary, TargetSummary } from './summary.ts';

/** Entries of each plan list the Lambda's answer carries, over all targets. */
export const ANSWER_SAMPLE_SIZE = 20;
/** Targets the answer lists with their counts; the total always covers all of them. */
const ANSWER_MAX_TARGETS = 200;
/** Plan entries per log line: a line stays far below CloudWatch Logs' 256 KB an event. */
const PLAN_LOG_CHUNK = 500;

type PlanKind = keyof TargetSummary['plan'];
const PLAN_KINDS: readonly PlanKind[] = ['enqueue', 'pending', 'skipped', 'orphans'];

/** The reconcile Lambda's answer: every count, and a bounded sample of the plan. */
export interface BoundedReconcileAnswer extends Omit<ReconcileSummary, 'targets'> {
  targets: Omit<TargetSummary, 'plan'>[];
  /** Targets left out of `targets` (their counts are in `total`). */
  targetsOmitted: number;
  /** The first entries of each plan list, over all targets, with the target they belong to. */
  planSample: Record<PlanKind, { projectId: string; region: string; entry: unknown }[]>;
  /** Where the full plan is: the function's log, as "Reconcile plan" lines. */
  fullPlan: 'log';
}

/**
 * The answer of the reconcile Lambda, whatever the account size: Lambda refuses a response
 * over 6 MB, and the plan is about 114 bytes a connection. Counts are complete; the plan is
 * cut to {@link ANSWER_SAMPLE_SIZE} entries a list; the full plan goes to the log
 * ({@link planLogLines}).
 */
export const boundedAnswer = (summary: ReconcileSummary): BoundedReconcileAnswer => {
  const planSample = Object.fromEntries(
    PLAN_KINDS.map((kind) => [
      kind,
      summary.targets
        .flatMap(({ projectId, region, plan }) =>
          plan[kind].slice(0, ANSWER_SAMPLE_SIZE).map((entry) => ({ projectId, region, entry })),
        )
        .slice(0, ANSWER_SAMPLE_SIZE),
    ]),
  ) as BoundedReconcileAnswer['planSample'];
  return {
    ...summary,
    targets: summary.targets
      .slice(0, ANSWER_MAX_TARGETS)
      .map(({ plan: _plan, ...counts }) => counts),
    targetsOmitted: Math.max(0, summary.targets.length - ANSWER_MAX_TARGETS),
    planSample,
    fullPlan: 'log',
  };
};

/** One log line of the full plan: a part of one list of one target. */
export interface PlanLogLine {
  runId: string;
  projectId: string;
  region: string;
  list: PlanKind;
  part: number;
  parts: number;
  entries: unknown[];
}

/** The full plan as log lines of at most {@link PLAN_LOG_CHUNK} entries each. */
export const planLogLines = function* (summary: ReconcileSummary): Generator<PlanLogLine> {
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
