import { HuaweiApiError, HuaweiNetworkError } from '../errors.ts';
import type { CredentialGate } from '../huawei/credential-gate.ts';
import type { ConnectionMonitor } from '../huawei/schemas.ts';
import type { HuaweiVpnClient, VpnTarget } from '../huawei/vpn-client.ts';
import { lastFailure, type RetryOptions, withRetry } from '../retry/with-retry.ts';

/** The connection's one monitor, and whether this call created it. */
export interface EnsuredMonitor {
  monitor: ConnectionMonitor;
  requestId: string | undefined;
  outcome: 'created' | 'already_existed';
}

/** What {@link ensureMonitor} needs for one invocation. */
export interface EnsureMonitorDeps {
  client: HuaweiVpnClient;
  gate: CredentialGate;
  retry: RetryOptions;
}

/**
 * Makes sure the VPN connection has its monitor. Creates it; when Huawei answers that one
 * exists already (`VPN.0381`), or when a create may have gone through unanswered (reset,
 * timeout), looks it up by connection id and carries on with it. Huawei allows one monitor
 * per connection, so this holds even when the idempotency record is gone.
 */
export const ensureMonitor = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
): Promise<EnsuredMonitor> => {
  const { client, gate, retry } = deps;
  let ambiguous = false;
  try {
    const created = await withRetry(async () => {
      try {
        return await gate.run(() => client.createMonitor(target, vpnConnectionId, retry));
      } catch (error) {
        if (error instanceof HuaweiNetworkError && error.ambiguous) ambiguous = true;
        throw error;
      }
    }, retry);
    return { ...created, outcome: 'created' };
  } catch (error) {
    const cause = lastFailure(error);
    const exists = cause instanceof HuaweiApiError && cause.code === 'VPN.0381';
    if (!exists && !ambiguous) throw error;
    const found = await findMonitor(deps, target, vpnConnectionId);
    if (found) return { ...found, outcome: 'already_existed' };
    throw error;
  }
};

/** The connection's monitor by `GET ...?vpn_connection_id=`, retried like any call. */
const findMonitor = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
): Promise<{ monitor: ConnectionMonitor; requestId: string | undefined } | undefined> => {
  const { client, gate, retry } = deps;
  const listed = await withRetry(
    () => gate.run(() => client.listMonitors(target, vpnConnectionId, retry)),
    retry,
  );
  const monitor = listed.monitors.find((m) => m.vpn_connection_id === vpnConnectionId);
  return monitor ? { monitor, requestId: listed.requestId } : undefined;
};
