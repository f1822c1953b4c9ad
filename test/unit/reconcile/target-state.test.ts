import { describe, expect, it } from 'vitest';
import { CredentialGate } from '../../../lib/accounts/credential-guard.ts';
import type { ConnectionMonitor, VpnConnection } from '../../../lib/huawei/schemas.ts';
import {
  type HuaweiCalls,
  type ReconcileClient,
  readTargetState,
} from '../../../lib/reconcile/listing.ts';
import { planTarget } from '../../../lib/reconcile/plan.ts';

const TARGET = { projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b', region: 'cn-north-4' };
const id = (n: number) => `${String(n).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`;

/**
 * A project held in memory, answering the reconcile calls in the order they are made, with
 * `connection_monitor_id` on its connections as the given answer style says.
 */
const project = (
  connectionIds: number[],
  monitored: number[],
  style: 'absent-without-monitor' | 'null-without-monitor' | 'never',
) => {
  const order: string[] = [];
  const monitors: ConnectionMonitor[] = monitored.map((n) => ({
    id: `monitor-${n}`,
    vpn_connection_id: id(n),
  }));
  const connection = (n: number): VpnConnection => {
    const monitor = monitors.find((m) => m.vpn_connection_id === id(n));
    const base = { id: id(n), status: 'ACTIVE' };
    if (style === 'never') return base;
    if (monitor !== undefined) return { ...base, connection_monitor_id: monitor.id };
    return style === 'null-without-monitor' ? { ...base, connection_monitor_id: null } : base;
  };
  const client = {
    listVpnConnections: async (_target, page = {}) => {
      order.push('listConnections');
      const from = page.marker === undefined ? 0 : Number(page.marker);
      const limit = page.limit ?? 200;
      const next = from + limit < connectionIds.length ? String(from + limit) : undefined;
      return {
        connections: connectionIds.slice(from, from + limit).map(connection),
        nextMarker: next,
        requestId: undefined,
      };
    },
    listMonitors: async () => {
      order.push('listMonitors');
      return { monitors, requestId: undefined };
    },
    deleteMonitor: async () => ({ requestId: undefined }),
  } satisfies ReconcileClient;
  const calls: HuaweiCalls = {
    client,
    gate: new CredentialGate(() => undefined),
    retry: { maxAttempts: 1, deadline: Number.POSITIVE_INFINITY, attemptTimeoutMs: 1_000 },
  };
  return { calls, order };
};

const planOf = async (p: ReturnType<typeof project>, findOrphans: boolean, pageSize = 2) => {
  const state = await readTargetState(p.calls, TARGET, { findOrphans, pageSize });
  return {
    state,
    plan: planTarget(state.connections, state.monitors, { findOrphans: state.orphansChecked }),
  };
};

describe('readTargetState', () => {
  it('decides from connection_monitor_id when every connection carries it, listing no monitor', async () => {
    // Prepare: five connections over three pages, two monitored, the others with a null id
    const p = project([1, 2, 3, 4, 5], [2, 5], 'null-without-monitor');

    // Act
    const { state, plan } = await planOf(p, false);

    // Assess
    expect(p.order).toEqual(['listConnections', 'listConnections', 'listConnections']);
    expect(state).toMatchObject({ monitorsFrom: 'connections', orphansChecked: false, pages: 3 });
    expect(plan.alreadyMonitored).toBe(2);
    expect(plan.enqueue.map((c) => c.id)).toEqual([id(1), id(3), id(4)]);
  });

  it('lists the monitors after the connections when some connection lacks the key', async () => {
    // Prepare: the key is there only on monitored connections (as the simulator answers)
    const p = project([1, 2, 3], [2], 'absent-without-monitor');

    // Act
    const { state, plan } = await planOf(p, false);

    // Assess
    expect(p.order).toEqual(['listConnections', 'listConnections', 'listMonitors']);
    expect(state).toMatchObject({ monitorsFrom: 'monitor-list', orphansChecked: false });
    expect(plan.alreadyMonitored).toBe(1);
    expect(plan.enqueue.map((c) => c.id)).toEqual([id(1), id(3)]);
  });

  it('gives the same plan whichever way the monitors are known', async () => {
    // Prepare: one project state, answered three ways
    const styles = ['absent-without-monitor', 'null-without-monitor', 'never'] as const;

    // Act
    const plans = await Promise.all(
      styles.map(async (style) => (await planOf(project([1, 2, 3, 4], [1, 4], style), false)).plan),
    );

    // Assess
    expect(plans[1]).toEqual(plans[0]);
    expect(plans[2]).toEqual(plans[0]);
    expect(plans[0]?.enqueue.map((c) => c.id)).toEqual([id(2), id(3)]);
  });

  it('lists the monitors first when looking for orphans, whatever the connections carry', async () => {
    // Prepare: monitor 9 belongs to a connection that is gone
    const p = project([1, 2], [1, 9], 'null-without-monitor');

    // Act
    const { state, plan } = await planOf(p, true);

    // Assess
    expect(p.order).toEqual(['listMonitors', 'listConnections']);
    expect(state).toMatchObject({ monitorsFrom: 'monitor-list', orphansChecked: true });
    expect(plan.orphans).toEqual([{ monitorId: 'monitor-9', vpnConnectionId: id(9) }]);
  });

  it('reports no orphan from a monitor list read after the connections', async () => {
    // Prepare: a monitor whose connection is not listed, seen only through the fallback
    const p = project([1, 2], [1, 9], 'absent-without-monitor');

    // Act
    const { state, plan } = await planOf(p, false);

    // Assess: it may be the monitor of a connection made since; nobody looked for orphans
    expect(state.orphansChecked).toBe(false);
    expect(plan.orphans).toEqual([]);
    expect(plan.enqueue.map((c) => c.id)).toEqual([id(2)]);
  });
});
