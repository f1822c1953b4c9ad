import {
  DeadlineExceededError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  HuaweiNetworkError,
  InvalidInputError,
  PublishError,
} from '../errors.ts';

/**
 * What to do about a failure:
 * - `retry-now`: back off (full jitter, or `Retry-After`) and call again in this invocation;
 * - `retry-later`: leave the record for SQS to redeliver (it reappears after its visibility timeout);
 * - `give-up`: the record can never succeed as it is: dead-letter queue with the reason;
 * - `stop-calls`: the credentials were refused: no more Huawei calls in this invocation,
 *   refresh them, leave the records for redelivery (five failures lock the key for 5 minutes).
 */
type Disposition = 'retry-now' | 'retry-later' | 'give-up' | 'stop-calls';

/** The policy's answer, with a short reason that ends up in logs and DLQ attributes. */
export interface Decision {
  disposition: Disposition;
  reason: string;
  /** A short class of the reason, for metrics: `throttled`, `server-error`, `network`... */
  category: string;
  /** Set when waiting helps (the connection is not ready): redeliver later and later. */
  postpone?: true;
}

const THROTTLING_CODES = new Set(['VPN.0429', 'APIGW.0308']);
const BUSY_CODES = new Set(['VPN.0002', 'VPN.0014', 'VPN.0030', 'VPN.0031', 'VPN.0306']);
const NOT_READY_CODES = new Set([
  'VPN.0009',
  'VPN.0016',
  'VPN.0017',
  'VPN.0506',
  'VPN.0507',
  'VPN.0508',
]);
const AUTH_CODES = new Set(['APIGW.0301', 'VPN.0003', 'VPN.0010']);
const NOT_READY_TEXT = /not ready|currently creating|try later|try again later/i;

const decideHuawei = (error: HuaweiApiError): Decision => {
  const { status, code = '' } = error;
  const label = `HTTP ${status}${code ? ` ${code}` : ''}`;
  if (status === 429 || THROTTLING_CODES.has(code))
    return { disposition: 'retry-now', reason: `throttled (${label})`, category: 'throttled' };
  if (BUSY_CODES.has(code))
    return { disposition: 'retry-now', reason: `Huawei busy (${label})`, category: 'busy' };
  // VPN.0003 doubles as "resource is not ready, currently CREATING": that is not an auth failure.
  if (
    NOT_READY_CODES.has(code) ||
    status === 409 ||
    status === 425 ||
    NOT_READY_TEXT.test(error.huaweiMessage ?? '')
  ) {
    return {
      disposition: 'retry-later',
      reason: `connection not ready (${label})`,
      category: 'not-ready',
      postpone: true,
    };
  }
  // The gateway's "project unavailable" is a 403 about the project, not the key.
  if (code === 'APIGW.0310') {
    return {
      disposition: 'give-up',
      reason: `project unavailable (${label})`,
      category: 'rejected',
    };
  }
  if (status === 401 || status === 403 || AUTH_CODES.has(code)) {
    return {
      disposition: 'stop-calls',
      reason: `credentials refused (${label})`,
      category: 'credentials',
    };
  }
  if (status >= 500)
    return {
      disposition: 'retry-now',
      reason: `Huawei server error (${label})`,
      category: 'server-error',
    };
  if (status === 404)
    return {
      disposition: 'give-up',
      reason: `VPN connection not found (${label})`,
      category: 'not-found',
    };
  return { disposition: 'give-up', reason: `request rejected (${label})`, category: 'rejected' };
};

/**
 * The retry policy, in one place. The README's retry table is this function in words; change
 * them together.
 */
export const decide = (error: unknown): Decision => {
  if (error instanceof HuaweiApiError) return decideHuawei(error);
  if (error instanceof HuaweiNetworkError) {
    return {
      disposition: 'retry-now',
      reason: `network failure (${error.code ?? 'unknown'})`,
      category: 'network',
    };
  }
  if (error instanceof PublishError)
    return {
      disposition: 'retry-now',
      reason: 'EventBridge did not accept the event',
      category: 'publish',
    };
  if (error instanceof InvalidInputError)
    return { disposition: 'give-up', reason: 'invalid input', category: 'invalid-input' };
  if (error instanceof HuaweiCallsStoppedError)
    return {
      disposition: 'retry-later',
      reason: 'Huawei calls stopped after a credentials failure',
      category: 'credentials',
    };
  if (error instanceof DeadlineExceededError)
    return {
      disposition: 'retry-later',
      reason: 'invocation deadline reached',
      category: 'deadline',
    };
  return {
    disposition: 'retry-later',
    reason: error instanceof Error ? error.name : 'unknown failure',
    category: 'other',
  };
};
