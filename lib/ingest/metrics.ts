import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The ingest endpoint's metrics; `EventsRejected` has a `reason` dimension. */
type IngestMetric =
  | 'IngestRequests'
  | 'EventsReceived'
  | 'EventsQueued'
  | 'EventsIgnored'
  | 'EventsRejected';

/** Why a request or an event was turned away: the `reason` dimension of `EventsRejected`. */
type RejectReason =
  | 'unauthorized'
  | 'too-large'
  | 'unsupported-media-type'
  | 'malformed'
  | 'invalid-event'
  | 'smn-confirmation-refused'
  | 'smn-unsigned'
  | 'smn-topic-not-allowed'
  | 'queue-refused'
  | 'queue-failed';

/** Where the ingest endpoint counts what it did. */
export interface IngestCounters {
  count(metric: IngestMetric, value: number, reason?: RejectReason): void;
}

/**
 * Counters on Powertools' Metrics (embedded metric format): plain counts on the invocation's
 * metrics, and each `EventsRejected` as a single metric carrying its `reason` dimension.
 */
export const powertoolsCounters = (
  metrics: Pick<Metrics, 'addMetric' | 'singleMetric'>,
): IngestCounters => ({
  count: (metric, value, reason) => {
    if (value <= 0) return;
    if (reason === undefined) {
      metrics.addMetric(metric, MetricUnit.Count, value);
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric(metric, MetricUnit.Count, value);
  },
});
