import { describe, expect, it } from 'vitest';
import type { FailureReason } from '../../../lib/dlq/dead-letter.ts';
import { createMetrics } from '../../../lib/metrics.ts';
import { createMessageSettlement } from '../../../lib/provision/message-outcome.ts';
import { recordOutcomes } from '../../../lib/provision/outcome-metrics.ts';
import type { ReasonDraft } from '../../../lib/provision/settle-failure.ts';
import type { ConnectionOutcome, QueueMessage } from '../../../lib/provision/types.ts';

const MESSAGE: QueueMessage = {
  messageId: 'm-1',
  body: '{}',
  receiveCount: 2,
  messageAttributes: {},
};
const [A, B, C] = [
  '3b9f6d2e-8c41-4a7f-b5e3-0d6c9a2f1e84',
  'd45a8e1b-6f2c-4d93-a7b0-8e1f5c3d2a69',
  'e8a2c4f6-1b3d-4e5f-a7c9-0b2d4f6a8c1e',
];

const failure = (id: string, code: string, attempts: number): FailureReason => ({
  kind: 'rejected',
  message: `request rejected (HTTP 400 ${code})`,
  code,
  status: 400,
  attempts,
  receive_count: 2,
  source_message_id: 'm-1',
  vpn_connection_id: id,
  failed_at: '2026-11-26T02:00:00.000Z',
});
const part = (
  vpnConnectionId: string,
  status: ConnectionOutcome['status'],
  extra: Partial<ConnectionOutcome> = {},
): ConnectionOutcome => ({ messageId: 'm-1', vpnConnectionId, status, retries: [], ...extra });

/** A dead-letter step that keeps what it was asked to send, as the DLQ would. */
const recordingDeadLetter = () => {
  const sent: ReasonDraft[] = [];
  const settle = createMessageSettlement(async (message, draft, retries) => {
    sent.push(draft);
    return {
      messageId: message.messageId,
      status: 'dead-lettered',
      vpnConnectionId: draft.vpn_connection_id,
      retries,
    };
  });
  return { sent, settle };
};

describe('a message of several connections takes the worst of their outcomes', () => {
  it('is dead-lettered once, naming every connection that failed', async () => {
    // Prepare
    const { sent, settle } = recordingDeadLetter();
    const parts = [
      part(A, 'created'),
      part(B, 'dead-lettered', { failure: failure(B, 'VPN.0001', 1) }),
      part(C, 'dead-lettered', { failure: failure(C, 'VPN.0002', 3) }),
    ];

    // Act
    const outcome = await settle(MESSAGE, parts);

    // Assess
    expect(outcome.status).toBe('dead-lettered');
    expect(outcome.connections).toEqual(parts);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ vpn_connection_id: B, code: 'VPN.0001', attempts: 3 });
    expect(sent[0]?.message).toBe(
      `2 of 3 connections failed: ${B}: request rejected (HTTP 400 VPN.0001); ` +
        `${C}: request rejected (HTTP 400 VPN.0002); the others were handled and are duplicates on replay`,
    );
  });

  it('is left for redelivery, not dead-lettered, while any connection must wait', async () => {
    // Prepare
    const { sent, settle } = recordingDeadLetter();
    const parts = [
      part(A, 'dead-lettered', { failure: failure(A, 'VPN.0001', 1) }),
      part(B, 'retry-later', { reason: 'throttled' }),
    ];

    // Act
    const outcome = await settle(MESSAGE, parts);

    // Assess
    expect(outcome).toMatchObject({ status: 'retry-later', reason: `${B}: throttled` });
    expect(sent).toEqual([]);
  });

  it('keeps the reason of a message of one connection exactly as it was', async () => {
    // Prepare
    const { sent, settle } = recordingDeadLetter();
    const only = failure(A, 'VPN.0001', 2);

    // Act
    await settle(MESSAGE, [part(A, 'dead-lettered', { failure: only })]);

    // Assess
    const { source_message_id: _, receive_count: __, failed_at: ___, ...draft } = only;
    expect(sent).toEqual([draft]);
  });

  it('succeeds with the best status of its connections', async () => {
    // Prepare
    const { settle } = recordingDeadLetter();

    // Act
    const outcome = await settle(MESSAGE, [part(A, 'duplicate'), part(B, 'already_existed')]);

    // Assess
    expect(outcome.status).toBe('already_existed');
  });
});

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
