/**
 * Every error this project raises derives from {@link ProvisionerError}. The subclasses are
 * sorted by what the caller must do about them, so a catch block narrows on the class and
 * never on message text.
 */
export class ProvisionerError<Fields extends object = Record<never, never>> extends Error {
  public override name = 'ProvisionerError';

  /** `options` beyond `cause` are the subclass's fields: set on the error, and so logged. */
  public constructor(
    message: string,
    ...[options]: Partial<Fields> extends Fields
      ? [(ErrorOptions & Fields)?]
      : [ErrorOptions & Fields]
  ) {
    super(message, options);
    const { cause: _cause, ...fields } = options ?? {};
    Object.assign(this, fields);
  }
}

/** The deployment is misconfigured: fix the named setting and redeploy. Never retried. */
export class ConfigurationError extends ProvisionerError {
  public override name = 'ConfigurationError';
}

/**
 * The message can never be handled as it is (not JSON, wrong shape, an id that is not an id).
 * It goes to the dead-letter queue at once with this reason and is never sent to Huawei.
 */
export class InvalidInputError extends ProvisionerError<{ path?: string | undefined }> {
  public override name = 'InvalidInputError';
  /** Where in the message the problem is, for example `detail.vpn_connection_id`. */
  declare public readonly path: string | undefined;
}

/** What the Huawei API answered when it did not answer with success. */
export interface HuaweiErrorDetails {
  /** HTTP status of the answer. */
  status: number;
  /** Huawei error code, `VPN.0381` or `APIGW.0308`; `undefined` when the body had none. */
  code: string | undefined;
  /** Huawei's error message, as sent. */
  huaweiMessage: string | undefined;
  /** Request id from the body or the `X-Request-Id` header, for Huawei support. */
  requestId: string | undefined;
  /** Delay the server asked for (`Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
}

/**
 * A Huawei API answered with an error. Whether to retry, wait or give up is decided by
 * the retry policy (`lib/retry/policy.ts`) from `status` and `code`, in one place.
 * `operation` names the call with its service (`VPN API create`, `Cloud Eye
 * batchQueryMetricData`), so the message says who refused.
 */
export class HuaweiApiError extends ProvisionerError<HuaweiErrorDetails> {
  public override name = 'HuaweiApiError';
  declare public readonly status: number;
  declare public readonly code: string | undefined;
  declare public readonly huaweiMessage: string | undefined;
  declare public readonly requestId: string | undefined;
  declare public readonly retryAfterMs: number | undefined;

  public constructor(operation: string, details: HuaweiErrorDetails, options?: ErrorOptions) {
    super(
      `Huawei ${operation} failed with HTTP ${details.status}` +
        `${details.code ? ` ${details.code}` : ''}` +
        `${details.huaweiMessage ? `: ${details.huaweiMessage}` : ''}` +
        `${details.requestId ? ` (request id ${details.requestId})` : ''}`,
      { ...options, retryAfterMs: undefined, ...details },
    );
  }
}

/**
 * Huawei's answer could not be used: its body could not be read (truncated JSON, an HTML page
 * from a gateway or proxy), or it was about another VPN connection than the one asked for.
 * `status` is the HTTP status as received, at any class. When the request could have changed
 * state (`mayHaveChangedState`: a create or a delete), it may have gone through: the caller
 * decides from Huawei's state, as after a reset. A read is asked again, like a server fault.
 */
export class HuaweiUnreadableAnswerError extends HuaweiApiError {
  public override name = 'HuaweiUnreadableAnswerError';
  /** What was received, for the reason: `unreadable answer, HTTP 200, text/html`. */
  public readonly seen: string;
  public readonly mayHaveChangedState: boolean;

  public constructor(
    operation: string,
    details: Omit<HuaweiErrorDetails, 'code' | 'huaweiMessage'> & {
      seen: string;
      mayHaveChangedState: boolean;
    },
  ) {
    super(operation, { ...details, code: undefined, huaweiMessage: undefined });
    this.message =
      `Huawei ${operation} got an ${details.seen}` +
      `${details.requestId ? ` (request id ${details.requestId})` : ''}` +
      `${details.mayHaveChangedState ? '; it may have gone through' : ''}`;
    this.seen = details.seen;
    this.mayHaveChangedState = details.mayHaveChangedState;
  }
}

/**
 * The call to Huawei failed below HTTP: refused, reset, timed out. `ambiguous` is true when
 * the request may have reached Huawei, so a create may have happened; the caller must then
 * look before it assumes nothing was created.
 */
export class HuaweiNetworkError extends ProvisionerError<{
  ambiguous: boolean;
  code?: string | undefined;
}> {
  public override name = 'HuaweiNetworkError';
  declare public readonly ambiguous: boolean;
  declare public readonly code: string | undefined;
}

/**
 * Huawei rejected the credentials earlier in this invocation, so no further call is made
 * (five failures lock the key for five minutes). Leave the record for redelivery.
 */
export class HuaweiCallsStoppedError extends ProvisionerError {
  public override name = 'HuaweiCallsStoppedError';
}

/** There is not enough of the invocation left to make another attempt: leave it for redelivery. */
export class DeadlineExceededError extends ProvisionerError {
  public override name = 'DeadlineExceededError';
}

/** EventBridge did not accept the "monitor created" event; the record must be retried. */
export class PublishError extends ProvisionerError<{ errorCode?: string | undefined }> {
  public override name = 'PublishError';
  declare public readonly errorCode: string | undefined;
}

/**
 * No call was made: the fleet's credential breaker is open, because Huawei refused these
 * credentials (the `cause`, when known). The record waits: until `retryAt` (epoch ms) for
 * credentials that cannot change, or until the secret holds a working key (`retryAt` unset).
 */
export class CredentialsBreakerOpenError extends HuaweiCallsStoppedError {
  public readonly retryAt: number | undefined;

  public constructor(retryAt: number | undefined, cause: HuaweiApiError | undefined) {
    super(
      `Huawei calls with these credentials are stopped across the fleet: Huawei refused them${
        cause ? ` (HTTP ${cause.status}${cause.code ? ` ${cause.code}` : ''})` : ''
      }. ${
        retryAt === undefined
          ? 'Put a working key in the credentials secret (it is used at once) or clear the breaker (see the README); the record waits'
          : `One container probes again at ${new Date(retryAt).toISOString()}; the record waits`
      }`,
      cause ? { cause } : undefined,
    );
    this.name = 'CredentialsBreakerOpenError';
    this.retryAt = retryAt;
  }
}

/**
 * No call was made: Huawei's rate limit (as the pacer learned it) leaves no slot for it before
 * the invocation ends. Throttling alone never dead-letters a record: it is postponed.
 */
export class ThrottledOutError extends ProvisionerError<{ retryAt?: number }> {
  public override name = 'ThrottledOutError';
  /** Epoch ms the rate limit has room again (the pacer's next slot), when known. */
  declare public readonly retryAt: number | undefined;
}

/**
 * Huawei's own state says the VPN connection is not ready for a monitor yet (`PENDING_*`, or
 * not found so soon after its event that it may not be visible yet). Ask again later: the
 * record waits, in time, up to `NOT_READY_MAX_WAIT_SECONDS`.
 */
export class ConnectionNotReadyError extends ProvisionerError<{
  connectionStatus: string;
  projectId?: string | undefined;
}> {
  public override name = 'ConnectionNotReadyError';
  /** The connection's status as Huawei showed it, or `NOT_FOUND`. */
  declare public readonly connectionStatus: string;
  /** The project of the connection, for the reason if the wait runs out. */
  declare public readonly projectId: string | undefined;
}

/**
 * Huawei refused the monitor and its state confirms the refusal: the connection is gone, in
 * `ERROR`, or ready and still refused. Never retried: dead-letter with the reason; `cause`
 * holds Huawei's answer.
 */
export class MonitorRefusedError extends ProvisionerError<{ connectionStatus: string }> {
  public override name = 'MonitorRefusedError';
  /** The connection's status as Huawei showed it, or `NOT_FOUND`. */
  declare public readonly connectionStatus: string;
}

/**
 * The key works but lacks a permission in one project (403 `VPN.0003`, `APIGW.0302`...): no
 * more calls for that project in this invocation, its records are dead-lettered; grant the
 * named IAM action to the key's user in that project, then replay them.
 */
export class PermissionRefusedError extends ProvisionerError<{
  projectId: string;
  region: string;
  action: string;
}> {
  public override name = 'PermissionRefusedError';
  declare public readonly projectId: string;
  declare public readonly region: string;
  /** The IAM action the refused call needs, `vpn:connectionMonitors:create`... */
  declare public readonly action: string;

  public constructor(
    target: { projectId: string; region: string },
    action: string,
    refusal: HuaweiApiError,
  ) {
    super(
      `Huawei refused ${action} in project ${target.projectId} (region ${target.region}) ` +
        `with HTTP ${refusal.status}${refusal.code ? ` ${refusal.code}` : ''}` +
        `${refusal.huaweiMessage ? `: ${refusal.huaweiMessage}` : ''}; grant ${action} ` +
        `to the key's IAM user in that project (or enable the region), then replay`,
      { cause: refusal, projectId: target.projectId, region: target.region, action },
    );
  }
}

/** The first Huawei answer in a chain of causes: the code and request id a reason carries. */
export const huaweiAnswerOf = (error: unknown): HuaweiApiError | undefined => {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HuaweiApiError) return e;
  }
  return undefined;
};
