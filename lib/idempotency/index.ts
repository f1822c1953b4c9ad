/**
 * The idempotency folder's face: once per connection (Powertools idempotency on DynamoDB).
 * @module
 */
export { createIdempotency, type Idempotency } from './idempotent.ts';
