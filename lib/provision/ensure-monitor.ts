import { HuaweiApiError, HuaweiNetworkError, HuaweiUnreadableAnswerError } from '../errors.ts';
import type { VpnTarget } from '../huawei/vpn-client.ts';
import { decide, isKeyRefusal } from '../retry/policy.ts';
import { lastFailure, withRetry } from '../retry/with-retry.ts';
import { decideFromState, findMonitor } from './decide-from-state.ts';
import type { EnsuredMonitor, EnsureMonitorDeps, EnsureMonitorOptions } from './monitor-calls.ts';

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
 * At most two calls more than the create's per refusal, each retried like any call. A create that may have
 * gone through unanswered (reset, timeout, an answer that cannot be read or is about
 * another connection) is also checked by listing. Huawei allows one monitor
 * per connection, so this holds even when the idempotency record is gone.
 */
export const ensureMonitor = (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
  options: EnsureMonitorOptions,
): Promise<EnsuredMonitor> =>
  // A refusal read against ACTIVE/DOWN may be stale: the connection can have become ready between
  // the create and the show (PENDING_CREATE a moment ago). The create is tried once more before the
  // refusal counts as real; the second round's verdict is final.
  createOrDecide(deps, target, vpnConnectionId, options, () =>
    createOrDecide(deps, target, vpnConnectionId, options, undefined),
  );

const createOrDecide = async (
  deps: EnsureMonitorDeps,
  target: VpnTarget,
  vpnConnectionId: string,
  options: EnsureMonitorOptions,
  createAgain: (() => Promise<EnsuredMonitor>) | undefined,
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
    const cause = lastFailure(error);
    if (asksForState(cause)) {
      return decideFromState(deps, target, vpnConnectionId, cause, options, createAgain);
    }
    // An answer that could not be read (or was about another connection) hides the outcome
    // as a reset does.
    if (!ambiguous && !(cause instanceof HuaweiUnreadableAnswerError && cause.mayHaveChangedState))
      throw error;
    // Sent, no answer: the monitor may exist now. Nothing refused it, so no status to read.
    const found = await findMonitor(deps, target, vpnConnectionId);
    if (found) return { ...found, outcome: 'already_existed' };
    throw error;
  }
};
