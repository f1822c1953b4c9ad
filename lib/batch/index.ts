/**
 * The face of `lib/batch/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /**
   * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order in the
   * result.
   */
  mapConcurrent,
} from './map-concurrent.ts';
