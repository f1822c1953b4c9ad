import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../lib/metrics.ts';
import { recordOutcomes } from '../../../lib/provision/outcome-metrics.ts';
import type { ConnectionOutcome } from '../../../lib/provision/types.ts';

const [A, B, C] = [
  '3b9f6d2e-8c41-4a7f-b5e3-0d6c9a2f1e84',
  'd45a8e1b-6f2c-4d93-a7b0-8e1f5c3d2a69',
  'e8a2c4f6-1b3d-4e5f-a7c9-0b2d4f6a8c1e',
];

const part = (
  vpnConnectionId: string,
  status: ConnectionOutcome['status'],
  extra: Partial<ConnectionOutcome> = {},
): ConnectionOutcome => ({ messageId: 'm-1', vpnConnectionId, status, retries: [], ...extra });

describe('recordOutcomes', () => {
  it('counts monitors per connection, other outcomes per message, ignored ones as EventsIgnored', () => {
    // Prepare
    const metrics = createMetrics();
    const batch = {
      messageId: 'm-1',
      status: 'created' as const,
      connections: [part(A, 'created'), part(B, 'created')],
      retries: [],
    };
    const ignored = {
      messageId: 'm-2',
      status: 'ignored' as const,
      reason: 'Cloud Trace updateVpnConnection announces no new VPN connection',
      connections: [],
      retries: [],
    };
    const halfDone = {
      messageId: 'm-3',
      status: 'retry-later' as const,
      connections: [part(A, 'created'), part(C, 'retry-later')],
      retries: ['throttled'],
    };

    // Act
    recordOutcomes(metrics, [batch, ignored, ignored, halfDone]);

    // Assess: what Powertools would write, in embedded metric format
    const emitted = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    };
    const names = emitted._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name));
    const counted = Object.fromEntries(names.map((name) => [name, emitted[name]]));
    expect(counted).toEqual({
      MonitorsCreated: 3,
      EventsIgnored: 2,
      LeftForRedelivery: 1,
      'Retries.throttled': 1,
    });
  });
});
