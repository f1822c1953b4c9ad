import type { VpnConnection, VpnTarget } from '../huawei/index.ts';
import { type MonitorRef, monitorsNamedByConnections } from './known-monitors.ts';
import {
  DEFAULT_PAGE_SIZE,
  type HuaweiCalls,
  listAllConnections,
  listAllMonitors,
} from './listing.ts';

/** Where a plan's monitors came from. */
export type MonitorSource = 'monitor-list' | 'connections';

/** A target as read from Huawei: its connections, and the monitors the plan decides from. */
export interface TargetState {
  connections: VpnConnection[];
  /** Pages of connections read. */
  pages: number;
  monitors: MonitorRef[];
  /** `monitor-list` (the connection monitors were listed) or `connections` (their `connection_monitor_id`). */
  monitorsFrom: MonitorSource;
  /**
   * Whether the monitors were listed before the connections, so a monitor whose connection is
   * not listed is an orphan (listed after, it may be the monitor of a connection made since).
   */
  orphansChecked: boolean;
}

/** How a target is read. */
export interface ReadOptions {
  /** Look for orphaned monitors: the monitor list is then always read, and read first. */
  findOrphans: boolean;
  pageSize?: number | undefined;
  onPage?: ((page: { page: number; connections: number }) => void) | undefined;
}

/**
 * Reads what a target's plan needs, in as few Huawei calls as that allows. Looking for
 * orphans, it lists the monitors, then the connections (so a monitor created in between is
 * never taken for an orphan). Otherwise it lists the connections and, when every one carries
 * `connection_monitor_id`, decides from that alone; when any lacks it, it lists the monitors
 * after all.
 */
export const readTargetState = async (
  calls: HuaweiCalls,
  target: VpnTarget,
  options: ReadOptions,
): Promise<TargetState> => {
  const listConnections = () =>
    listAllConnections(calls, target, options.pageSize ?? DEFAULT_PAGE_SIZE, options.onPage);
  if (options.findOrphans) {
    const monitors = await listAllMonitors(calls, target);
    const listing = await listConnections();
    return { ...listing, monitors, monitorsFrom: 'monitor-list', orphansChecked: true };
  }
  const listing = await listConnections();
  const named = monitorsNamedByConnections(listing.connections);
  if (named !== undefined) {
    return { ...listing, monitors: named, monitorsFrom: 'connections', orphansChecked: false };
  }
  const monitors = await listAllMonitors(calls, target);
  return { ...listing, monitors, monitorsFrom: 'monitor-list', orphansChecked: false };
};
