/**
 * The reconcile folder's face: a reconcile run, from the handler or the command line.
 * @module
 */
export { type BoundedReconcileAnswer, boundedAnswer, planLogLines } from './bounded-answer.ts';
export { runReconcileCommand } from './cli.ts';
export { createReconcileDependencies } from './dependencies.ts';
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
export { recordReconcileMetrics } from './metrics.ts';
export { type ReconcileRequest, resolveReconcileRun } from './options.ts';
export {
  /** What a run uses; the health check takes its accounts and VPN client in the same shape. */
  type ReconcileDeps,
  runReconcile,
  /** The run's targets with their accounts; the health check covers the same ones. */
  targetsOf,
} from './reconcile.ts';
export {
  countsOnly,
  /** One line for a target's failure, without secrets (the health check reports the same way). */
  describeFailure,
  type ReconcileSummary,
} from './summary.ts';
export {
  /** Refuses, before any call, a target whose region cannot be right (`cn-nort-4`); health checks its targets the same way. */
  checkTargetRegions,
} from './target-regions.ts';
