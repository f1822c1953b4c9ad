/**
 * The health check: what other folders, the handler and the command may use. Cloud Eye's
 * client and facts, the pure decision, the state store, the event and the run.
 */
export { runHealthCommand } from './cli.ts';
export {
  CloudEyeClient,
  CONNECTION_DIMENSION,
  cloudEyeEndpointResolver,
  HEALTH_METRICS,
  MAX_METRICS_PER_CALL,
  MAX_POINTS_PER_CALL,
  type MetricSource,
  VPN_NAMESPACE,
} from './cloud-eye.ts';
export {
  decideHealth,
  HEALTH_STATES,
  type HealthDecision,
  type HealthFacts,
  type HealthFigures,
  type HealthReason,
  type HealthState,
  type HealthThresholds,
  isNews,
} from './decide.ts';
export { createHealthDependencies } from './dependencies.ts';
export { batchQueryOf, connectionsPerCall, figuresFrom, metricNamesOf } from './figures.ts';
export { formatHealthSummary } from './format.ts';
export {
  type HealthConfig,
  type HealthSettings,
  healthEnvironmentSchema,
  loadHealthConfig,
  parseHealthSettings,
} from './health-config.ts';
export {
  HEALTH_CHANGED_DETAIL_TYPE,
  type HealthBus,
  type HealthChangedDetail,
  healthEventId,
} from './health-event.ts';
export { CONNECTION_METRICS, recordHealthMetrics, STATE_METRICS } from './metrics.ts';
export { HealthOptionsError, type HealthRequest, resolveHealthRun } from './options.ts';
export {
  type HealthDeps,
  type HealthRun,
  type HealthRuntime,
  type HealthSummary,
  type HealthTargetSummary,
  runHealth,
} from './run-health.ts';
export { HEALTH_KEY_PREFIX, type HealthRecord, HealthStateStore } from './state-store.ts';
