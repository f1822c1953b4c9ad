import { vpnConnectionIdSchema } from '../events/index.ts';
import type { VpnConnection } from '../huawei/index.ts';
import type { MonitorRef } from './listing.ts';

/** Connection statuses that get a monitor: up, or down (watching a down connection is the point). */
const MONITORED_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'DOWN']);

/** A connection the plan names, with the status it was listed in. */
type PlannedConnection = { id: string; status: string };

/** A monitor whose VPN connection is no longer listed. */
type OrphanMonitor = { monitorId: string; vpnConnectionId: string };

/** What one target needs, decided from its connections and monitors (the counts say what each list is). */
export interface TargetPlan {
  alreadyMonitored: number;
  enqueue: PlannedConnection[];
  pending: PlannedConnection[];
  skipped: PlannedConnection[];
  orphans: OrphanMonitor[];
}

/**
 * Sorts a target's connections and monitors into the plan (pure). An id createMonitor would
 * refuse is skipped rather than queued to end in the dead-letter queue. Orphans are looked for
 * only with `findOrphans` (default): a monitor list read after the connections may hold the
 * monitor of a connection made since, which is no orphan.
 */
export const planTarget = (
  connections: readonly VpnConnection[],
  monitors: readonly MonitorRef[],
  { findOrphans = true }: { findOrphans?: boolean } = {},
): TargetPlan => {
  const monitored = new Set(monitors.map((monitor) => monitor.vpn_connection_id));
  const listed = new Set(connections.map((connection) => connection.id));
  const plan: TargetPlan = {
    alreadyMonitored: 0,
    enqueue: [],
    pending: [],
    skipped: [],
    orphans: [],
  };
  for (const { id, status } of connections) {
    if (monitored.has(id)) plan.alreadyMonitored += 1;
    else if (!vpnConnectionIdSchema.safeParse(id).success) plan.skipped.push({ id, status });
    else if (MONITORED_STATUSES.has(status)) plan.enqueue.push({ id, status });
    else if (status.startsWith('PENDING_')) plan.pending.push({ id, status });
    else plan.skipped.push({ id, status });
  }
  for (const monitor of findOrphans ? monitors : []) {
    if (!listed.has(monitor.vpn_connection_id)) {
      plan.orphans.push({ monitorId: monitor.id, vpnConnectionId: monitor.vpn_connection_id });
    }
  }
  return plan;
};
