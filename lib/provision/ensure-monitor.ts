import {
  ConnectionNotReadyError,
  HuaweiApiError,
  HuaweiNetworkError,
  MonitorRefusedError,
  PermissionRefusedError,
} from '../errors.ts';
import type { CredentialGate } from '../huawei/credential-gate.ts';
import type { ConnectionMonitor, VpnConnection } from '../huawei/schemas.ts';
import type { HuaweiVpnClient, VpnTarget } from '../huawei/vpn-client.ts';
import { decide, isKeyRefusal, isPermissionRefusal } from '../retry/policy.ts';
import { RetryExhaustedError, type RetryOptions, withRetry } from '../retry/with-retry.ts';

/** The connection's one monitor, and whether this call created it. */
export interface EnsuredMonitor {
  monitor: ConnectionMonitor;
  requestId: string | undefined;
  outcome: 'created' | 'already_existed';
}

/** What {@link ensureMonitor} needs for one invocation. */
export interface EnsureMonitorDeps {
  client: Pick<HuaweiVpnClient, 'createMonitor' | 'listMonitors' | 'showConnection'>;
  gate: CredentialGate;
  retry: RetryOptions;
}

/** What {@link ensureMonitor} knows about the event, to read a "not found" answer. */
export interface EnsureMonitorOptions {
  /** When the connection's event happened (epoch ms); unknown means long ago. */
  eventTime?: number | undefined;
  /** A connection not found this soon after its event is taken as not visible yet. */
  notFoundGraceMs: number;
  now?: (() => number) | undefined;
}

/** The IAM actions of the three calls, named in a permission refusal. */
const ACTIONS = {
  create: 'vpn:connectionMonitors:create',
  list: 'vpn:connectionMonitors:list',
  showConnection: 'vpn:vpnConnections:get',
} as const;

const rootCause = (error: unknown): unknown =>
  error instanceof RetryExhaustedError ? error.cause : error;

/**
 * Whether a refused create is a question for Huawei's state: any 4xx that is not the key
 * refused nor throttling. Not documented: how Huawei refuses a second monitor (`VPN.0381` is
 * in no public source) and what it answers for a connection still `PENDING_CREATE` (a 409, a
 * 400 `VPN.0001`, a 403, or a 404 are all plausible): decided by state, whatever the code.
 */
const asksForState = (error: unknown): error is HuaweiApiError =>
  error instanceof HuaweiApiError &&
  error.status >= 400 &&
  error.status < 500 &&
  !isKeyRefusal(error) &&
  decide(error).category !== 'throttled';

/** Calls Huawei for the target's project, under the gate, retried by the policy. */
const call = <T>(deps: EnsureMonitorDeps, target: VpnTarget, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => deps.gate.run(fn, target), deps.retry);

/** A permission refusal of `action` stops the project for the invocation; anything else passes. */
const stopOnPermission = (deps: EnsureMonitorDeps, target: VpnTarget, action: string) => {
  return (error: unknown): never => {
    const cause = rootCause(error);
    if (!isPermissionRefusal(cause)) throw error;
    const refusal = new PermissionRefusedError(target, action, cause);
    deps.gate.stopProject(refusal);
    throw refusal;
  };
};

/**
 * Makes sure the VPN connection has its monitor. Creates it; when Huawei refuses, asks Huawei
 * rather than trusting the error code: lists the connection's monitors (found: carry on with
 * it, `already_existed`), and when there is none, shows the connection:
 * - not found: not ready within `notFoundGraceMs` of the event (read-after-write lag), else
 *   given up ("connection not found");
 * - `PENDING_*`: not ready, ask again later ({@link ConnectionNotReadyError});
 * - `ERROR`: given up with the status;
 * - `ACTIVE`, `DOWN` (or a status no source documents): the refusal is real: given up with
 *   Huawei's code and message; a 403 then stops the project ({@link PermissionRefusedError}).
 * At most two calls more than the create's, each retried like any call. A create that may have
 * gone through unanswered (reset, timeout) is also checked by listing. Huawei allows one monitor
 * per connection, so this holds even when the idempotency record is gone.
 */
export const ensureMonitor = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
  options: EnsureMonitorOptions,
): Promise<EnsuredMonitor> => {
  let ambiguous = false;
  try {
    const created = await withRetry(async () => {
      try {
        return await deps.gate.run(
          () => deps.client.createMonitor(target, vpnConnectionId, deps.retry),
          target,
        );
      } catch (error) {
        if (error instanceof HuaweiNetworkError && error.ambiguous) ambiguous = true;
        throw error;
      }
    }, deps.retry);
    return { ...created, outcome: 'created' };
  } catch (error) {
    const cause = rootCause(error);
    if (asksForState(cause)) return decideFromState(deps, target, vpnConnectionId, cause, options);
    if (!ambiguous) throw error;
    // Sent, no answer: the monitor may exist now. Nothing refused it, so no status to read.
    const found = await findMonitor(deps, target, vpnConnectionId);
    if (found) return { ...found, outcome: 'already_existed' };
    throw error;
  }
};

const decideFromState = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
  refusal: HuaweiApiError,
  options: EnsureMonitorOptions,
): Promise<EnsuredMonitor> => {
  const found = await findMonitor(deps, target, vpnConnectionId);
  if (found) return { ...found, outcome: 'already_existed' };
  const connection = await readConnection(deps, target, vpnConnectionId);
  const what = `VPN connection ${vpnConnectionId} in project ${target.projectId}`;
  const refused = `create answered HTTP ${refusal.status}${refusal.code ? ` ${refusal.code}` : ''}${
    refusal.huaweiMessage ? ` "${refusal.huaweiMessage}"` : ''
  }`;
  if (connection === undefined) {
    const now = options.now?.() ?? Date.now();
    const ageMs =
      options.eventTime === undefined ? Number.POSITIVE_INFINITY : now - options.eventTime;
    if (ageMs < options.notFoundGraceMs) {
      throw new ConnectionNotReadyError(
        `${what} not found ${Math.round(ageMs / 1000)} s after its event (${refused}); Huawei may not show it yet`,
        { connectionStatus: 'NOT_FOUND', projectId: target.projectId, cause: refusal },
      );
    }
    throw new MonitorRefusedError(
      `${what} not found (${refused}); nothing to monitor if it is gone`,
      { connectionStatus: 'NOT_FOUND', cause: refusal },
    );
  }
  const { status } = connection;
  if (status.startsWith('PENDING_')) {
    throw new ConnectionNotReadyError(`${what} is ${status} (${refused}); asking again later`, {
      connectionStatus: status,
      projectId: target.projectId,
      cause: refusal,
    });
  }
  if (status === 'ERROR') {
    throw new MonitorRefusedError(`${what} is in status ERROR (${refused}); fix the connection`, {
      connectionStatus: status,
      cause: refusal,
    });
  }
  // ACTIVE or DOWN with no monitor: the refusal is about the monitor, not the connection's state.
  if (isPermissionRefusal(refusal)) {
    const permission = new PermissionRefusedError(target, ACTIONS.create, refusal);
    deps.gate.stopProject(permission);
    throw permission;
  }
  throw new MonitorRefusedError(
    `Huawei refused the monitor of ${what}, which is ${status}: ${refused}`,
    {
      connectionStatus: status,
      cause: refusal,
    },
  );
};

/** The connection's monitor by `GET ...?vpn_connection_id=`, retried like any call. */
export const findMonitor = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
): Promise<{ monitor: ConnectionMonitor; requestId: string | undefined } | undefined> => {
  const listed = await call(deps, target, () =>
    deps.client.listMonitors(target, vpnConnectionId, deps.retry),
  ).catch(stopOnPermission(deps, target, ACTIONS.list));
  const monitor = listed.monitors.find((m) => m.vpn_connection_id === vpnConnectionId);
  return monitor ? { monitor, requestId: listed.requestId } : undefined;
};

/**
 * The connection as Huawei shows it; `undefined` when Huawei does not know it. Not documented:
 * the answer for a missing connection. The error-code page has 404 `VPN.0004`; Huawei answers
 * some missing resources with 400 `VPN.0001` (a deleted monitor's delete). Our id is validated
 * before any call, so a 400 or 404 to this read is taken as "not found".
 */
const readConnection = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
): Promise<VpnConnection | undefined> => {
  try {
    const shown = await call(deps, target, () =>
      deps.client.showConnection(target, vpnConnectionId, deps.retry),
    );
    return shown.connection;
  } catch (error) {
    const cause = rootCause(error);
    const missing =
      cause instanceof HuaweiApiError &&
      (cause.status === 404 || cause.status === 400) &&
      !isKeyRefusal(cause) &&
      !isPermissionRefusal(cause);
    if (missing) return undefined;
    return stopOnPermission(deps, target, ACTIONS.showConnection)(error);
  }
};
