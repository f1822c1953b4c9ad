import type { CredentialGate } from '../accounts/index.ts';
import {
  ConnectionNotReadyError,
  HuaweiApiError,
  HuaweiNetworkError,
  HuaweiUnreadableAnswerError,
  MonitorRefusedError,
  PermissionRefusedError,
} from '../errors.ts';
import type {
  ConnectionMonitor,
  HuaweiVpnClient,
  VpnConnection,
  VpnTarget,
} from '../huawei/index.ts';
import {
  asksForState,
  isKeyRefusal,
  isPermissionRefusal,
  lastFailure,
  type RetryOptions,
  withRetry,
} from '../retry/index.ts';

/** The connection's one monitor, and whether this call created it. */
export interface EnsuredMonitor {
  monitor: ConnectionMonitor;
  requestId: string | undefined;
  outcome: 'created' | 'already_existed';
}

/** What `ensureMonitor` needs for one invocation. */
export interface EnsureMonitorDeps {
  client: Pick<HuaweiVpnClient, 'createMonitor' | 'listMonitors' | 'showConnection'>;
  gate: CredentialGate;
  retry: RetryOptions;
}

/**
 * What `ensureMonitor` knows about the event: a connection not found within `notFoundGraceMs`
 * of its `eventTime` (epoch ms; unknown means long ago) is taken as not visible yet.
 */
export interface EnsureMonitorOptions {
  eventTime?: number | undefined;
  notFoundGraceMs: number;
  now?: (() => number) | undefined;
}

/** The IAM actions of the three calls, named in a permission refusal. */
const ACTIONS = {
  create: 'vpn:connectionMonitors:create',
  list: 'vpn:connectionMonitors:list',
  showConnection: 'vpn:vpnConnections:get',
} as const;

/**
 * Makes sure the VPN connection has its monitor. Creates it; when Huawei refuses, asks Huawei
 * rather than trusting the error code: lists the connection's monitors (found: carry on with
 * it, `already_existed`), and when there is none, shows the connection:
 * - not found: not ready within `notFoundGraceMs` of the event (read-after-write lag), else
 *   given up ("connection not found");
 * - `PENDING_*`: not ready, ask again later (`ConnectionNotReadyError`);
 * - `ERROR`: given up with the status;
 * - `ACTIVE`, `DOWN` (or a status no source documents): the create is tried once more (the
 *   status may have changed since it was refused); refused again, the refusal is real: given up
 *   with Huawei's code and message; a 403 then stops the project (`PermissionRefusedError`).
 * At most two calls more than the create's per refusal, each retried like any call. A create
 * that may have gone through unanswered (reset, timeout, an answer that cannot be read or is
 * about another connection) is also checked by listing. Huawei allows one monitor per
 * connection, so this holds even when the idempotency record is gone.
 */
export const ensureMonitor = (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
  options: EnsureMonitorOptions,
): Promise<EnsuredMonitor> => {
  const what = `VPN connection ${vpnConnectionId} in project ${target.projectId}`;
  const call = <T>(fn: () => Promise<T>): Promise<T> =>
    withRetry(() => deps.gate.run(fn, target), deps.retry);

  /** A permission refusal of `action` stops the project for the invocation. */
  const stopProject = (action: string, cause: HuaweiApiError): never => {
    const refusal = new PermissionRefusedError(target, action, cause);
    deps.gate.stopProject(refusal);
    throw refusal;
  };
  const stopOnPermission =
    (action: string) =>
    (error: unknown): never => {
      const cause = lastFailure(error);
      if (!isPermissionRefusal(cause)) throw error;
      return stopProject(action, cause);
    };

  /** The connection's monitor by `GET ...?vpn_connection_id=`. */
  const findMonitor = async (): Promise<EnsuredMonitor | undefined> => {
    const listed = await call(() =>
      deps.client.listMonitors(target, vpnConnectionId, deps.retry),
    ).catch(stopOnPermission(ACTIONS.list));
    const monitor = listed.monitors.find((m) => m.vpn_connection_id === vpnConnectionId);
    return monitor
      ? { monitor, requestId: listed.requestId, outcome: 'already_existed' }
      : undefined;
  };

  /**
   * The connection as Huawei shows it; `undefined` when Huawei does not know it. Not documented:
   * the answer for a missing connection. The error-code page has 404 `VPN.0004`; Huawei answers
   * some missing resources with 400 `VPN.0001` (a deleted monitor's delete). Our id is validated
   * before any call, so a 400 or 404 to this read is taken as "not found".
   */
  const readConnection = async (): Promise<VpnConnection | undefined> => {
    try {
      const shown = await call(() =>
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
      return stopOnPermission(ACTIONS.showConnection)(error);
    }
  };

  /** After a refused create: the monitor if there is one, else the connection's status decides. */
  const decideFromState = async (
    refusal: HuaweiApiError,
    createAgain: boolean,
  ): Promise<EnsuredMonitor> => {
    const found = await findMonitor();
    if (found) return found;
    const connection = await readConnection();
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
    // refusal; it can (PENDING_CREATE a moment ago), so the create is asked again once.
    if (createAgain) return createOrDecide(false);
    if (isPermissionRefusal(refusal)) return stopProject(ACTIONS.create, refusal);
    throw new MonitorRefusedError(
      `Huawei refused the monitor of ${what}, which is ${status}: ${refused}`,
      { connectionStatus: status, cause: refusal },
    );
  };

  const createOrDecide = async (createAgain: boolean): Promise<EnsuredMonitor> => {
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
      const cause = lastFailure(error);
      // Not documented: how Huawei refuses a second monitor (`VPN.0381` is in no public source)
      // and what it answers for a connection still `PENDING_CREATE` (a 409, a 400 `VPN.0001`, a
      // 403, or a 404 are all plausible): decided by state, whatever the code.
      if (asksForState(cause)) return decideFromState(cause, createAgain);
      // Sent, no answer (a reset; an answer unreadable or about another connection): the monitor
      // may exist now. Nothing refused it, so no status to read.
      const unanswered =
        ambiguous || (cause instanceof HuaweiUnreadableAnswerError && cause.mayHaveChangedState);
      if (!unanswered) throw error;
      const found = await findMonitor();
      if (found) return found;
      throw error;
    }
  };

  return createOrDecide(true);
};
