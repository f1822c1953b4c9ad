/**
 * The face of `lib/ingest/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /**
   * Builds the ingest endpoint's clients once per container (`lib/aws/`, which lets the SDK pick
   * up `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides).
   */
  createIngestDependencies,
} from './dependencies.ts';
export {
  /** Builds the ingest endpoint. */
  createIngest,
} from './ingest.ts';
export {
  /** Counters on Powertools' Metrics (embedded metric format). */
  powertoolsCounters,
} from './metrics.ts';
export type {
  /** An HTTP request to the ingest endpoint, as `lib/ingest` reads it. */
  IngestRequest,
} from './request.ts';
