import { describe, expect, it } from 'vitest';
import { type VpnConnection, vpnConnectionSchema } from '../../../lib/huawei/schemas.ts';
import { monitorIdOf, monitorsNamedByConnections } from '../../../lib/reconcile/listing.ts';

const id = (n: number) => `${String(n).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`;
/** A connection as Huawei's JSON would give it, read through the client's schema. */
const listed = (n: number, extra: Record<string, unknown> = {}): VpnConnection =>
  vpnConnectionSchema.parse({ id: id(n), status: 'ACTIVE', ...extra });

describe('monitorIdOf', () => {
  it.each([
    ['a monitor id', { connection_monitor_id: 'monitor-1' }, 'monitor-1'],
    ['null', { connection_monitor_id: null }, null],
    ['an empty string', { connection_monitor_id: '' }, null],
    ['blanks', { connection_monitor_id: '  ' }, null],
    ['no key at all', {}, undefined],
    ['a number', { connection_monitor_id: 7 }, undefined],
    ['an object', { connection_monitor_id: { id: 'monitor-1' } }, undefined],
  ])('reads %s', (_what, extra, expected) => {
    // Act and assess: the schema keeps the field as sent, so odd types are read here
    expect(monitorIdOf(listed(1, extra))).toBe(expected);
  });
});

describe('monitorsNamedByConnections', () => {
  it('names the monitors when every connection carries the key, null or empty meaning none', () => {
    // Act
    const monitors = monitorsNamedByConnections([
      listed(1, { connection_monitor_id: 'monitor-1' }),
      listed(2, { connection_monitor_id: null }),
      listed(3, { connection_monitor_id: '' }),
      listed(4, { connection_monitor_id: 'monitor-4' }),
    ]);

    // Assess
    expect(monitors).toEqual([
      { id: 'monitor-1', vpn_connection_id: id(1) },
      { id: 'monitor-4', vpn_connection_id: id(4) },
    ]);
  });

  it('trusts nothing when one connection lacks the key, however many carry it', () => {
    // Act
    const monitors = monitorsNamedByConnections([
      listed(1, { connection_monitor_id: 'monitor-1' }),
      listed(2),
      listed(3, { connection_monitor_id: 'monitor-3' }),
    ]);

    // Assess
    expect(monitors).toBeUndefined();
  });

  it('knows a project without connections has no monitor to decide from', () => {
    expect(monitorsNamedByConnections([])).toEqual([]);
  });
});
