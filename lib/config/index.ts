/**
 * The face of `lib/config/`: one schema per function, built from shared pieces, each with its
 * type inferred and one parse that names every offending variable. Only this folder reads
 * `process.env`.
 */

/** createMonitor's configuration and its loader. */
export { type Config, loadConfig } from './create-monitor.ts';
/** The `ingest` function's configuration and its loader. */
export { type IngestConfig, loadIngestConfig } from './ingest.ts';
/** A reconcile run's configuration and its loader (the Lambda and the command). */
export { loadReconcileConfig, type ReconcileConfig } from './reconcile.ts';
/** A replay's configuration and its loader (the Lambda and the command). */
export { loadReplayConfig, type ReplayConfig } from './replay.ts';
/** Reconcile targets as written (`project_id:region`), their label, and without repeats. */
export { reconcileTargetListSchema, targetLabel, uniqueTargets } from './targets.ts';
