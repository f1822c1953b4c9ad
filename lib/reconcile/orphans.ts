import { HuaweiApiError } from '../errors.ts';
import type { VpnTarget } from '../huawei/index.ts';
import { lastFailure } from '../retry/index.ts';
import { call, type HuaweiCalls } from './listing.ts';
import type { OrphanMonitor } from './plan.ts';
import { describeFailure } from './summary.ts';

/** A monitor that is gone already: Huawei answers 404, or `VPN.0001` for one deleted before. */
const alreadyGone = (error: unknown): boolean => {
  const cause = lastFailure(error);
  return cause instanceof HuaweiApiError && (cause.status === 404 || cause.code === 'VPN.0001');
};

/**
 * Deletes the orphaned monitors one by one, each call under the gate and retried. A monitor
 * that is gone already counts as deleted; one that could not be deleted is reported and the
 * others are still tried.
 */
export const deleteOrphans = async (
  calls: HuaweiCalls,
  target: VpnTarget,
  orphans: readonly OrphanMonitor[],
): Promise<{ deleted: number; problems: string[] }> => {
  let deleted = 0;
  const problems: string[] = [];
  for (const orphan of orphans) {
    try {
      await call(calls, () => calls.client.deleteMonitor(target, orphan.monitorId, calls.retry));
      deleted += 1;
    } catch (error) {
      if (alreadyGone(error)) deleted += 1;
      else problems.push(`monitor ${orphan.monitorId} not deleted: ${describeFailure(error)}`);
    }
  }
  return { deleted, problems };
};
