/**
 * The face of `lib/config/`: one schema per function, built from shared pieces, each with its
 * type inferred and one parse that names every offending variable. Only this folder reads
 * `process.env`.
 */

export {
  /** The validated configuration of createMonitor. */
  type Config,
  /** The whole configuration of a health run: the reconcile function's Huawei side, and its own. */
  type HealthConfig,
  /** What the health check reads from its environment, on top of the Huawei settings. */
  type HealthSettings,
  /** What the `ingest` function reads from its environment. */
  type IngestConfig,
  /** Parses createMonitor's environment once, at cold start. */
  loadConfig,
  /** Loads a health run's configuration once at cold start (or per command, with its flags). */
  loadHealthConfig,
  /** Parses the `ingest` function's environment at cold start. */
  loadIngestConfig,
  /** Parses a reconcile run's environment, with `overrides` (the command's flags) on top. */
  loadReconcileConfig,
  /** Parses the replay's environment (the `replayDlq` Lambda and the `replay` command). */
  loadReplayConfig,
  /** Parses the health settings alone; blank variables take their defaults. */
  parseHealthSettings,
  /** What a reconcile run reads from its environment. */
  type ReconcileConfig,
  /** Where a replay takes from and sends to, when its options do not say. */
  type ReplayConfig,
} from './functions.ts';
export {
  /** The running process's environment: the one place outside tests that reads `process.env`. */
  processEnvironment,
  /** Several targets, comma-separated or a list (a payload's `"targets"`, repeated `--target`). */
  reconcileTargetListSchema,
  /** `project_id:region`, the way targets are written and reported. */
  targetLabel,
  /** The targets without repeats, in their first order. */
  uniqueTargets,
} from './shared.ts';
