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
export {
  /** Where a message came from, when it was not a producer's event. */
  type MessageOrigin,
  /** A fresh run id, readable in logs and sortable. */
  newRunId,
  /** The origin a message's attributes declare, or `undefined` for an ordinary event. */
  readOrigin,
  /** The two attributes a reconcile run puts on each message it queues. */
  reconcileAttributes,
} from './origin.ts';
