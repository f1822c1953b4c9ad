/**
 * The face of `lib/ingest/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /** Builds the ingest endpoint. */
  createIngest,
  /** Builds the ingest endpoint's clients once per container. */
  createIngestDependencies,
} from './ingest.ts';
export {
  /** Counters on Powertools' Metrics (embedded metric format). */
  powertoolsCounters,
} from './metrics.ts';
export type {
  /** An HTTP request to the ingest endpoint, as `lib/ingest` reads it. */
  IngestRequest,
} from './request.ts';
