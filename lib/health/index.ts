/**
 * The face of `lib/health/`: what the handler, the command, the local stack, the bench and the
 * tests may use. Cloud Eye's limits, the pure decision, batch sizing, the run.
 */
export {
  /** One Cloud Eye batch query for some connections. */
  batchQueryOf,
  /** How many connections fit in one batch query. */
  connectionsPerCall,
  /** A connection's figures from Cloud Eye's answer. */
  figuresFrom,
  /** Cloud Eye's most metrics in one batch query. */
  MAX_METRICS_PER_CALL,
  /** Cloud Eye's most data points in one batch answer. */
  MAX_POINTS_PER_CALL,
  /** The metric names a source (`link`, `tunnel`) is read with. */
  metricNamesOf,
} from './cloud-eye.ts';
export {
  /** A connection's state from its facts and the thresholds (pure). */
  decideHealth,
  /** The states, in the order a summary lists them. */
  HEALTH_STATES,
  /** What the decision reads about one connection. */
  type HealthFacts,
  /** A connection's figures over the window. */
  type HealthFigures,
  /** The states a connection can be in. */
  type HealthState,
  /** Whether a change of state is worth an event. */
  isNews,
} from './decide.ts';
export type {
  /** The detail of a "VPN Connection Health Changed" event. */
  HealthChangedDetail,
} from './health-event.ts';
export {
  /** The run's counts (and, when asked, each connection's figures) as CloudWatch metrics. */
  recordHealthMetrics,
} from './metrics.ts';
export {
  /** Builds what a health run needs, once per container or command. */
  createHealthDependencies,
  /** A run's options, as a payload or the command's flags give them. */
  type HealthRequest,
  /** A run's result. */
  type HealthSummary,
  /** What happened to one project in a run. */
  type HealthTargetSummary,
  /** The run a payload asks for, with the configured targets by default. */
  resolveHealthRun,
  /** Checks every target's monitored connections and publishes their changes. */
  runHealth,
} from './run-health.ts';
