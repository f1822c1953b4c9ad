/**
 * The face of `lib/idempotency/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /**
   * Powertools idempotency on DynamoDB (its default schema: `id`, `expiration`), keyed on the
   * request's `key` only, never on the SQS message id, so a redelivery, a replay or a duplicate
   * message all find the same record.
   */
  createIdempotency,
  /** The idempotency store of a container, as {@link createIdempotency} builds it. */
  type Idempotency,
} from './idempotent.ts';
