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
import { AccountCredentialsError } from '../huawei/index.ts';

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
}

/** A failure classified: its kind, Huawei's answer when there was one, and the decision. */
export interface Failure {
  kind: FailureKind;
  /** Huawei's HTTP status and code, for a Huawei answer. */
  status?: number | undefined;
  code?: string | undefined;
  decision: Decision;
}

/**
 * The decision table, one row per kind of failure, named once: Huawei's answers by what they
 * mean, the network, and this project's own failures. The README's "Retries" table is this
 * table in words; change them together. A row's reason is completed by the failure's details.
 */
const DECISIONS = {
  throttled: { disposition: 'retry-now', category: 'throttled', reason: 'throttled' },
  'key-refused': {
    disposition: 'stop-calls',
    category: 'credentials',
    reason: 'credentials refused',
  },
  forbidden: { disposition: 'give-up', category: 'permission', reason: 'permission refused' },
  server: { disposition: 'retry-now', category: 'server-error', reason: 'Huawei busy or failing' },
  conflict: { disposition: 'retry-later', category: 'conflict', reason: 'conflict' },
  'not-found': { disposition: 'give-up', category: 'not-found', reason: 'not found' },
  refused: { disposition: 'give-up', category: 'rejected', reason: 'request rejected' },
  unreadable: {
    disposition: 'retry-now',
    category: 'unreadable-answer',
    reason: 'unreadable answer',
  },
  network: { disposition: 'retry-now', category: 'network', reason: 'network failure' },
  'not-ready': {
    disposition: 'retry-later',
    category: 'not-ready',
    reason: 'connection not ready',
  },
  'monitor-refused': { disposition: 'give-up', category: 'rejected', reason: 'monitor refused' },
  permission: { disposition: 'give-up', category: 'permission', reason: 'permission refused' },
  'calls-stopped': {
    disposition: 'retry-later',
    category: 'credentials',
    reason: 'Huawei calls stopped after a credentials failure',
  },
  'throttled-out': {
    disposition: 'retry-later',
    category: 'throttled',
    reason: 'throttled: no slot under the rate limit before the deadline',
  },
  deadline: {
    disposition: 'retry-later',
    category: 'deadline',
    reason: 'invocation deadline reached',
  },
  publish: {
    disposition: 'retry-now',
    category: 'publish',
    reason: 'EventBridge did not accept the event',
  },
  'invalid-input': { disposition: 'give-up', category: 'invalid-input', reason: 'invalid input' },
  other: { disposition: 'retry-later', category: 'other', reason: 'unknown failure' },
} as const satisfies Record<string, Decision>;

/** The kinds of failure: the rows of {@link DECISIONS}. */
type FailureKind = keyof typeof DECISIONS;

/** One Huawei answer rule: the statuses or codes it covers, and their kind. First match wins. */
interface HuaweiRule {
  statuses: (status: number) => boolean;
  codes?: ReadonlySet<string>;
  kind: FailureKind;
}

/**
 * Huawei's answers by kind, first match wins. Every code here is on Huawei's VPN or API Gateway
 * error-code pages; codes no public source shows (`VPN.0381`, `VPN.0009`...) are not here: a
 * refused create is decided by Huawei's state instead (`lib/provision/ensure-monitor.ts`).
 */
const HUAWEI_RULES: readonly HuaweiRule[] = [
  { statuses: (s) => s === 429, codes: new Set(['VPN.0429', 'APIGW.0308']), kind: 'throttled' },
  // The key itself: bad signature or locked ("AK access failed to reach the limit").
  { statuses: (s) => s === 401, codes: new Set(['APIGW.0301', 'APIGW.0305']), kind: 'key-refused' },
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
    kind: 'forbidden',
  },
  {
    statuses: (s) => s >= 500,
    codes: new Set(['VPN.0002', 'VPN.0030', 'VPN.0031']),
    kind: 'server',
  },
  { statuses: (s) => s === 409 || s === 425, kind: 'conflict' },
  { statuses: (s) => s === 404, kind: 'not-found' },
];

const kindOfHuawei = (error: HuaweiApiError): FailureKind => {
  const { status, code = '' } = error;
  // Huawei STS/IAM (or AWS STS) would not hand out an account's credentials: that account's
  // key, agency or token is refused, not one project's permission. Its calls stop; its
  // records are redelivered once the agency or provider is fixed.
  if (error instanceof AccountCredentialsError && status !== 429 && status < 500)
    return 'key-refused';
  const rule = HUAWEI_RULES.find((r) => r.codes?.has(code) === true || r.statuses(status));
  const kind = rule?.kind ?? 'refused';
  // An answer that could not be read never gives up at first sight: its status alone (a 200, a
  // proxy's 404 page) is no word from Huawei. Asked again like a server fault; a create or a
  // delete is then decided from Huawei's state (lib/provision/ensure-monitor.ts).
  if (error instanceof HuaweiUnreadableAnswerError && DECISIONS[kind].disposition === 'give-up')
    return 'unreadable';
  return kind;
};

/** Failures whose kind depends on their class alone, nothing they carry. */
const FIXED_KINDS: ReadonlyArray<readonly [new (...args: never[]) => Error, FailureKind]> = [
  [HuaweiNetworkError, 'network'],
  [ConnectionNotReadyError, 'not-ready'],
  [MonitorRefusedError, 'monitor-refused'],
  [PermissionRefusedError, 'permission'],
  [PublishError, 'publish'],
  [InvalidInputError, 'invalid-input'],
  [HuaweiCallsStoppedError, 'calls-stopped'],
  [ThrottledOutError, 'throttled-out'],
  [DeadlineExceededError, 'deadline'],
];

/** The reason of a decision: the row's, with what the failure itself says. */
const reasonOf = (kind: FailureKind, error: unknown): string => {
  const { reason } = DECISIONS[kind];
  if (error instanceof HuaweiApiError) {
    // An unreadable answer says what was seen ('unreadable answer, HTTP 200, text/html').
    const label =
      error instanceof HuaweiUnreadableAnswerError
        ? error.seen
        : `HTTP ${error.status}${error.code ? ` ${error.code}` : ''}`;
    if (kind === 'unreadable') return label;
    return error instanceof AccountCredentialsError && kind === 'key-refused'
      ? `account credentials refused (${label})`
      : `${reason} (${label})`;
  }
  if (error instanceof HuaweiNetworkError) return `${reason} (${error.code ?? 'unknown'})`;
  if (error instanceof ConnectionNotReadyError) return `${reason} (${error.connectionStatus})`;
  if (error instanceof MonitorRefusedError)
    return error.connectionStatus === 'NOT_FOUND'
      ? 'connection not found'
      : `${reason} (connection ${error.connectionStatus})`;
  if (error instanceof PermissionRefusedError)
    return `${reason} in project ${error.projectId} (${error.action})`;
  if (kind === 'other' && error instanceof Error) return error.name;
  return reason;
};

const kindOf = (error: unknown): FailureKind =>
  error instanceof HuaweiApiError
    ? kindOfHuawei(error)
    : (FIXED_KINDS.find(([type]) => error instanceof type)?.[1] ?? 'other');

/** Each error object is classified once; every later question about it reads the answer. */
const classified = new WeakMap<object, Failure>();

/**
 * Turns an error into its one typed {@link Failure}: its kind, and the decision read from the
 * table. Asked again about the same error, answers the same object.
 */
export const classify = (error: unknown): Failure => {
  const known = typeof error === 'object' && error !== null ? classified.get(error) : undefined;
  if (known) return known;
  const kind = kindOf(error);
  const row = DECISIONS[kind];
  // A connection not found is one for metrics as a 404 is; any other refused monitor is rejected.
  const category =
    error instanceof MonitorRefusedError && error.connectionStatus === 'NOT_FOUND'
      ? 'not-found'
      : row.category;
  const failure: Failure = {
    kind,
    ...(error instanceof HuaweiApiError ? { status: error.status, code: error.code } : {}),
    decision: { disposition: row.disposition, category, reason: reasonOf(kind, error) },
  };
  if (typeof error === 'object' && error !== null) classified.set(error, failure);
  return failure;
};

/** The retry policy's decision about `error`: {@link classify}'s, a fresh copy to extend. */
export const decide = (error: unknown): Decision => ({ ...classify(error).decision });

/** Whether Huawei refused the key itself (not a permission): stop calls, refresh credentials. */
export const isKeyRefusal = (error: unknown): boolean =>
  error instanceof HuaweiApiError && classify(error).kind === 'key-refused';

/** Whether Huawei refused a permission of one project, not the key. */
export const isPermissionRefusal = (error: unknown): error is HuaweiApiError =>
  error instanceof HuaweiApiError && classify(error).kind === 'forbidden';

/**
 * Whether a refused call is a question for Huawei's state: any 4xx answer that is not the key
 * refused nor throttling (`lib/provision/ensure-monitor.ts` then reads the connection).
 */
export const asksForState = (error: unknown): error is HuaweiApiError => {
  if (!(error instanceof HuaweiApiError) || error.status < 400 || error.status >= 500) return false;
  const { kind } = classify(error);
  return kind !== 'key-refused' && kind !== 'throttled';
};
