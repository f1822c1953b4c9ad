/**
 * The health check: what the handler, the command, the local stack, the bench and the tests
 * may use. Cloud Eye's limits, the pure decision, batch sizing, configuration, the run.
 */
export { runHealthCommand } from './cli.ts';
export { MAX_METRICS_PER_CALL, MAX_POINTS_PER_CALL } from './cloud-eye.ts';
export {
  decideHealth,
  type HealthFacts,
  type HealthFigures,
  type HealthState,
  isNews,
} from './decide.ts';
export { createHealthDependencies } from './dependencies.ts';
export { batchQueryOf, connectionsPerCall, figuresFrom, metricNamesOf } from './figures.ts';
export type { HealthChangedDetail } from './health-event.ts';
export { recordHealthMetrics } from './metrics.ts';
export { type HealthRequest, resolveHealthRun } from './options.ts';
export { type HealthSummary, runHealth } from './run-health.ts';
