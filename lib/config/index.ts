/**
 * The face of `lib/config/`: one schema per function, built from shared pieces, each with its
 * type inferred and one parse that names every offending variable. Only this folder reads
 * `process.env`.
 */

export {
  /** The validated configuration of createMonitor. */
  type Config,
  /** Parses createMonitor's environment once, at cold start. */
  loadConfig,
} from './create-monitor.ts';
export {
  /** The whole configuration of a health run: the reconcile function's Huawei side, and its own. */
  type HealthConfig,
  /** What the health check reads from its environment, on top of the Huawei settings. */
  type HealthSettings,
  /** Loads a health run's configuration once at cold start (or per command, with its flags). */
  loadHealthConfig,
  /** Parses the health settings alone; blank variables take their defaults. */
  parseHealthSettings,
} from './health.ts';
export {
  /** What the `ingest` function reads from its environment. */
  type IngestConfig,
  /** Parses the `ingest` function's environment at cold start. */
  loadIngestConfig,
} from './ingest.ts';
export {
  /** Parses a reconcile run's environment, with `overrides` (the command's flags) on top. */
  loadReconcileConfig,
  /** What a reconcile run reads from its environment. */
  type ReconcileConfig,
} from './reconcile.ts';
export {
  /** Parses the replay's environment (the `replayDlq` Lambda and the `replay` command). */
  loadReplayConfig,
  /** Where a replay takes from and sends to, when its options do not say. */
  type ReplayConfig,
} from './replay.ts';
export {
  /** The running process's environment: the one place outside tests that reads `process.env`. */
  processEnvironment,
} from './shared.ts';
export {
  /** Several targets, comma-separated or a list (a payload's `"targets"`, repeated `--target`). */
  reconcileTargetListSchema,
  /** `project_id:region`, the way targets are written and reported. */
  targetLabel,
  /** The targets without repeats, in their first order. */
  uniqueTargets,
} from './targets.ts';
