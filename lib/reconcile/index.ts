/**
 * The reconcile folder's face: a reconcile run, from the handler or the command line.
 * @module
 */
export { type BoundedReconcileAnswer, boundedAnswer, planLogLines } from './bounded-answer.ts';
export { runReconcileCommand } from './cli.ts';
export { createReconcileDependencies } from './dependencies.ts';
export { recordReconcileMetrics } from './metrics.ts';
export { type ReconcileRequest, resolveReconcileRun } from './options.ts';
export { runReconcile } from './reconcile.ts';
export { countsOnly, type ReconcileSummary } from './summary.ts';
