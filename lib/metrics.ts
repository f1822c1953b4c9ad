import { Metrics } from '@aws-lambda-powertools/metrics';

/** The metric calls `lib/` makes; Powertools' Metrics (embedded metric format) provides them. */
export type MetricsSink = Pick<Metrics, 'addMetric'>;

/** The CloudWatch namespace of every metric, and the alarms' too (serverless.yml). */
export const METRICS_NAMESPACE = 'VpnMonitorProvisioner';

/** The container's metrics, flushed after each invocation by the handler's `logMetrics`. */
export const createMetrics = (): Metrics =>
  new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'vpn-monitor-provisioner' });
