import {
  ConnectionNotReadyError,
  HuaweiApiError,
  HuaweiUnreadableAnswerError,
  MonitorRefusedError,
  PermissionRefusedError,
} from '../errors.ts';
import type { ConnectionMonitor, VpnConnection } from '../huawei/schemas.ts';
import type { VpnTarget } from '../huawei/vpn-client.ts';
import { isKeyRefusal, isPermissionRefusal } from '../retry/policy.ts';
import { lastFailure, withRetry } from '../retry/with-retry.ts';
import type { EnsuredMonitor, EnsureMonitorDeps, EnsureMonitorOptions } from './monitor-calls.ts';

/*
 * What a refused create means, read from Huawei's state rather than from its error code. Not
 * documented, and so decided by state: how Huawei refuses a second monitor, what it answers for
 * a connection still being created, and what it answers for a connection it does not have.
 */

/** The IAM actions of the three calls, named in a permission refusal. */
const ACTIONS = {
  create: 'vpn:connectionMonitors:create',
  list: 'vpn:connectionMonitors:list',
  showConnection: 'vpn:vpnConnections:get',
} as const;

/** Calls Huawei for the target's project, under the gate, retried by the policy. */
const call = <T>(deps: EnsureMonitorDeps, target: VpnTarget, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => deps.gate.run(fn, target), deps.retry);

/** A permission refusal of `action` stops the project for the invocation; anything else passes. */
const stopOnPermission = (deps: EnsureMonitorDeps, target: VpnTarget, action: string) => {
  return (error: unknown): never => {
    const cause = lastFailure(error);
    if (!isPermissionRefusal(cause)) throw error;
    const refusal = new PermissionRefusedError(target, action, cause);
    deps.gate.stopProject(refusal);
    throw refusal;
  };
};

/**
 * After a refused create (`refusal`): the connection's monitor if it has one (`already_existed`);
 * else, by the connection's status: not found (waits within the grace period, then gives up),
 * `PENDING_*` (waits), `ERROR` (gives up), `ACTIVE`/`DOWN` (`createAgain` when given, else the
 * refusal is real: gives up with Huawei's code; a 403 then stops the project). Two calls at most,
 * each retried.
 */
export const decideFromState = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
  refusal: HuaweiApiError,
  options: EnsureMonitorOptions,
  createAgain?: () => Promise<EnsuredMonitor>,
): Promise<EnsuredMonitor> => {
  const found = await findMonitor(deps, target, vpnConnectionId);
  if (found) return { ...found, outcome: 'already_existed' };
  const connection = await readConnection(deps, target, vpnConnectionId);
  const what = `VPN connection ${vpnConnectionId} in project ${target.projectId}`;
  const refused =
    refusal instanceof HuaweiUnreadableAnswerError
      ? `create got an ${refusal.seen}`
      : `create answered HTTP ${refusal.status}${refusal.code ? ` ${refusal.code}` : ''}${
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
  // ACTIVE or DOWN with no monitor. Not documented whether the status can have changed since the
  // create was refused; it can (a connection turns ACTIVE seconds after its event), so the create
  // is asked again once before the refusal is taken as real.
  if (createAgain) return createAgain();
  // Refused again while ACTIVE or DOWN: the refusal is about the monitor, not the connection's state.
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
    const cause = lastFailure(error);
    const missing =
      cause instanceof HuaweiApiError &&
      (cause.status === 404 || cause.status === 400) &&
      // A proxy's 404 page is no word from Huawei about the connection.
      !(cause instanceof HuaweiUnreadableAnswerError) &&
      !isKeyRefusal(cause) &&
      !isPermissionRefusal(cause);
    if (missing) return undefined;
    return stopOnPermission(deps, target, ACTIONS.showConnection)(error);
  }
};
