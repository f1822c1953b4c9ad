import { describe, expect, it } from 'vitest';
import type { ConnectionMonitor, VpnConnection } from '../../../lib/huawei/schemas.ts';
import { planTarget } from '../../../lib/reconcile/plan.ts';

const id = (n: number) => `${String(n).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`;
const connection = (n: number, status: string): VpnConnection => ({ id: id(n), status });
const monitor = (n: number): ConnectionMonitor => ({
  id: `monitor-${n}`,
  vpn_connection_id: id(n),
});

describe('planTarget', () => {
  it.each([
    ['ACTIVE', 'enqueue'],
    ['DOWN', 'enqueue'],
    ['PENDING_CREATE', 'pending'],
    ['PENDING_UPDATE', 'pending'],
    ['PENDING_DELETE', 'pending'],
    ['ERROR', 'skipped'],
    ['SOMETHING_NEW', 'skipped'],
  ] as const)('sorts a %s connection without a monitor into %s', (status, where) => {
    // Act
    const plan = planTarget([connection(1, status)], []);

    // Assess
    expect(plan[where]).toEqual([{ id: id(1), status }]);
    expect(plan.alreadyMonitored).toBe(0);
  });

  it.each(['ACTIVE', 'DOWN', 'ERROR', 'PENDING_UPDATE'])(
    'counts a %s connection with its monitor as monitored, whatever its status',
    (status) => {
      // Act
      const plan = planTarget([connection(1, status)], [monitor(1)]);

      // Assess
      expect(plan).toEqual({
        alreadyMonitored: 1,
        enqueue: [],
        pending: [],
        skipped: [],
        orphans: [],
      });
    },
  );

  it('reports monitors whose connection is not listed as orphans', () => {
    // Act
    const plan = planTarget([connection(1, 'ACTIVE')], [monitor(1), monitor(2), monitor(3)]);

    // Assess
    expect(plan.orphans).toEqual([
      { monitorId: 'monitor-2', vpnConnectionId: id(2) },
      { monitorId: 'monitor-3', vpnConnectionId: id(3) },
    ]);
    expect(plan.alreadyMonitored).toBe(1);
  });

  it('looks for no orphan when told not to, and still counts the monitored connections', () => {
    // Act
    const plan = planTarget([connection(1, 'ACTIVE')], [monitor(1), monitor(2)], {
      findOrphans: false,
    });

    // Assess
    expect(plan.orphans).toEqual([]);
    expect(plan.alreadyMonitored).toBe(1);
  });

  it('skips a connection whose id createMonitor would refuse, rather than dead-letter it', () => {
    // Act
    const plan = planTarget([{ id: 'not-a-connection-id', status: 'ACTIVE' }], []);

    // Assess
    expect(plan.enqueue).toEqual([]);
    expect(plan.skipped).toEqual([{ id: 'not-a-connection-id', status: 'ACTIVE' }]);
  });
});
