import { AccountCredentialsError } from '../accounts/account-errors.ts';
import {
  ConnectionNotReadyError,
  DeadlineExceededError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  HuaweiNetworkError,
  HuaweiUnreadableAnswerError,
  InvalidInputError,
  MonitorRefusedError,
  PermissionRefusedError,
  PublishError,
  ThrottledOutError,
} from '../errors.ts';

/**
 * What to do about a failure:
 * - `retry-now`: back off (full jitter, or `Retry-After`) and call again in this invocation;
 * - `retry-later`: leave the record for SQS to redeliver (it reappears after its visibility timeout);
 * - `give-up`: the record can never succeed as it is: dead-letter queue with the reason;
 * - `stop-calls`: the key was refused: no more Huawei calls in this invocation, refresh the
 *   credentials, leave the records for redelivery (five failures lock the key for 5 minutes).
 */
type Disposition = 'retry-now' | 'retry-later' | 'give-up' | 'stop-calls';

/** The policy's answer, with a short reason that ends up in logs and DLQ attributes. */
export interface Decision {
  disposition: Disposition;
  reason: string;
  /** A short class of the reason, for metrics: `throttled`, `server-error`, `network`... */
  category: string;
  /** Set when waiting helps (the connection is not ready): ask again later and later. */
  postpone?: true;
}

/** One row of the retry table: the Huawei answers it covers, and what is done about them. */
interface HuaweiRule {
  statuses?: (status: number) => boolean;
  codes?: ReadonlySet<string>;
  disposition: Disposition;
  category: string;
  reason: string;
}

/**
 * The retry table for Huawei's answers, first match wins. The README's "Retries" table is this
 * table in words; change them together. Every code here is on Huawei's VPN or API Gateway
 * error-code pages; codes no public source shows (`VPN.0381`, `VPN.0009`...) are not here:
 * a refused create is decided by Huawei's state instead (`lib/provision/ensure-monitor.ts`).
 */
const HUAWEI_RULES: readonly HuaweiRule[] = [
  {
    statuses: (s) => s === 429,
    codes: new Set(['VPN.0429', 'APIGW.0308']),
    disposition: 'retry-now',
    category: 'throttled',
    reason: 'throttled',
  },
  {
    // The key itself: bad signature or locked ("AK access failed to reach the limit").
    statuses: (s) => s === 401,
    codes: new Set(['APIGW.0301', 'APIGW.0305']),
    disposition: 'stop-calls',
    category: 'credentials',
    reason: 'credentials refused',
  },
  {
    // The key works, but this project may not do this: IAM permission (VPN.0003), the user
    // blacklisted or denied (APIGW.0302/0306), the service or user not allowed in the region
    // (APIGW.0801/0802), the project unavailable (APIGW.0310). One project's problem.
    statuses: (s) => s === 403,
    codes: new Set([
      'VPN.0003',
      'APIGW.0302',
      'APIGW.0306',
      'APIGW.0310',
      'APIGW.0801',
      'APIGW.0802',
    ]),
    disposition: 'give-up',
    category: 'permission',
    reason: 'permission refused',
  },
  {
    statuses: (s) => s >= 500,
    codes: new Set(['VPN.0002', 'VPN.0030', 'VPN.0031']),
    disposition: 'retry-now',
    category: 'server-error',
    reason: 'Huawei busy or failing',
  },
  {
    statuses: (s) => s === 409 || s === 425,
    disposition: 'retry-later',
    category: 'conflict',
    reason: 'conflict',
  },
  {
    statuses: (s) => s === 404,
    disposition: 'give-up',
    category: 'not-found',
    reason: 'not found',
  },
];

const decideHuawei = (error: HuaweiApiError): Decision => {
  const { status, code = '' } = error;
  const unreadable = error instanceof HuaweiUnreadableAnswerError;
  const label = unreadable ? error.seen : `HTTP ${status}${code ? ` ${code}` : ''}`;
  // Huawei STS/IAM (or AWS STS) would not hand out an account's credentials: that account's
  // key, agency or token is refused, not one project's permission. Its calls stop; its
  // records are redelivered once the agency or provider is fixed.
  if (error instanceof AccountCredentialsError && status !== 429 && status < 500) {
    return {
      disposition: 'stop-calls',
      category: 'credentials',
      reason: `account credentials refused (${label})`,
    };
  }
  const rule = HUAWEI_RULES.find(
    (r) => r.codes?.has(code) === true || r.statuses?.(status) === true,
  );
  // An answer that could not be read never gives up at first sight: its status alone (a 200, a
  // proxy's 404 page) is no word from Huawei. Asked again like a server fault; a create or a
  // delete is then decided from Huawei's state (lib/provision/ensure-monitor.ts).
  if (unreadable && (rule === undefined || rule.disposition === 'give-up')) {
    return { disposition: 'retry-now', category: 'unreadable-answer', reason: label };
  }
  return rule
    ? {
        disposition: rule.disposition,
        category: rule.category,
        reason: `${rule.reason} (${label})`,
      }
    : { disposition: 'give-up', category: 'rejected', reason: `request rejected (${label})` };
};

/** Whether Huawei refused the key itself (not a permission): stop calls, refresh credentials. */
export const isKeyRefusal = (error: unknown): boolean =>
  error instanceof HuaweiApiError && decideHuawei(error).disposition === 'stop-calls';

/** Whether Huawei refused a permission of one project, not the key. */
export const isPermissionRefusal = (error: unknown): error is HuaweiApiError =>
  error instanceof HuaweiApiError && decideHuawei(error).category === 'permission';

/** Failures whose decision depends on their class alone, nothing they carry. */
const FIXED_DECISIONS: ReadonlyArray<readonly [new (...args: never[]) => Error, Decision]> = [
  [
    PublishError,
    {
      disposition: 'retry-now',
      reason: 'EventBridge did not accept the event',
      category: 'publish',
    },
  ],
  [
    InvalidInputError,
    { disposition: 'give-up', reason: 'invalid input', category: 'invalid-input' },
  ],
  [
    HuaweiCallsStoppedError,
    {
      disposition: 'retry-later',
      reason: 'Huawei calls stopped after a credentials failure',
      category: 'credentials',
    },
  ],
  [
    ThrottledOutError,
    {
      disposition: 'retry-later',
      reason: 'throttled: no slot under the rate limit before the deadline',
      category: 'throttled',
    },
  ],
  [
    DeadlineExceededError,
    { disposition: 'retry-later', reason: 'invocation deadline reached', category: 'deadline' },
  ],
];

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
  if (error instanceof ConnectionNotReadyError)
    return {
      disposition: 'retry-later',
      reason: `connection not ready (${error.connectionStatus})`,
      category: 'not-ready',
      postpone: true,
    };
  if (error instanceof MonitorRefusedError)
    return {
      disposition: 'give-up',
      reason:
        error.connectionStatus === 'NOT_FOUND'
          ? 'connection not found'
          : `monitor refused (connection ${error.connectionStatus})`,
      category: error.connectionStatus === 'NOT_FOUND' ? 'not-found' : 'rejected',
    };
  if (error instanceof PermissionRefusedError)
    return {
      disposition: 'give-up',
      reason: `permission refused in project ${error.projectId} (${error.action})`,
      category: 'permission',
    };
  const fixed = FIXED_DECISIONS.find(([type]) => error instanceof type);
  if (fixed) return { ...fixed[1] };
  return {
    disposition: 'retry-later',
    reason: error instanceof Error ? error.name : 'unknown failure',
    category: 'other',
  };
};
