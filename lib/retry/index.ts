/**
 * The retry folder's face: failures classified once (`classify`), the decision table, and the
 * retried call.
 * @module
 */
export {
  asksForState,
  classify,
  isKeyRefusal,
  isPermissionRefusal,
} from './policy.ts';
export {
  type BackoffOptions,
  lastFailure,
  RetryExhaustedError,
  type RetryOptions,
  withRetry,
} from './with-retry.ts';
