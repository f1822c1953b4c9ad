/**
 * The reconcile folder's face: a reconcile run, for the handler and the command (`commands/reconcile.ts`).
 * @module
 */
export {
  /** Runs one Huawei call under the run's gate, retried where the policy says so (health uses it too). */
  call,
  /** How each Huawei call of a run is made: under the run's gate, retried by the policy. */
  type HuaweiCalls,
  /** Every connection of a project, page by page (the health check reads them too). */
  listAllConnections,
  /** Every connection monitor of a project, page by page (the health check reads them too). */
  listAllMonitors,
} from './listing.ts';
export {
  type ReconcileRequest,
  /** Reads a run's request and its targets; the health check reads its own so. */
  readRunRequest,
  resolveReconcileRun,
} from './options.ts';
export {
  /** The Huawei side of a run (accounts, VPN client, guard); the health check builds its own so. */
  createHuaweiSide,
  createReconcileDependencies,
  /** Each account's Huawei calls for one run; the health check makes its calls so. */
  huaweiCallsOf,
  /** What a run uses; the health check takes its accounts and VPN client in the same shape. */
  type ReconcileDeps,
  type ReconcileRuntime,
  runReconcile,
  /** One of the run's targets with its account; the health check covers the same ones. */
  type TargetRow,
  /** The run's targets with their accounts; the health check covers the same ones. */
  targetsOf,
} from './reconcile.ts';
export {
  type BoundedReconcileAnswer,
  boundedAnswer,
  countsOnly,
  /** One line for a target's failure, without secrets (the health check reports the same way). */
  describeFailure,
  planLogLines,
  type ReconcileSummary,
  recordReconcileMetrics,
  type TargetSummary,
} from './summary.ts';
