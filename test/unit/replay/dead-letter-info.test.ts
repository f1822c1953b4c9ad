import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { readDeadLetterInfo } from '../../../lib/replay/dead-letter-info.ts';
import { readFixture } from '../events/helpers.ts';

const SENT = '1764064800000'; // 2025-11-25T10:00:00Z

const failure = (fields: Record<string, unknown>) => ({
  vpn_monitor_failure: { DataType: 'String', StringValue: JSON.stringify(fields) },
});

const message = (overrides: Partial<Message> = {}): Message => ({
  MessageId: 'dlq-1',
  Body: readFixture('eventbridge.json'),
  Attributes: { SentTimestamp: SENT },
  ...overrides,
});

describe('readDeadLetterInfo', () => {
  it('reads the reason the project attached', () => {
    // Prepare
    const dead = message({
      MessageAttributes: failure({
        kind: 'rejected',
        message: 'Huawei VPN API create failed with HTTP 404 VPN.0004',
        code: 'VPN.0004',
        status: 404,
        attempts: 1,
        receive_count: 1,
        source_message_id: 'source-1',
        vpn_connection_id: 'c0000000-0000-0000-0000-000000000009',
        failed_at: '2025-11-24T08:00:00.000Z',
      }),
    });

    // Act
    const info = readDeadLetterInfo(dead);

    // Assess
    expect(info).toEqual({
      messageId: 'dlq-1',
      kind: 'rejected',
      code: 'VPN.0004',
      status: 404,
      description: 'Huawei VPN API create failed with HTTP 404 VPN.0004',
      vpnConnectionId: 'c0000000-0000-0000-0000-000000000009',
      failedAt: new Date('2025-11-24T08:00:00Z'),
      originalMessageId: 'source-1',
      replayCount: 0,
    });
  });

  it.each([
    'eventbridge.json',
    'cloudevents-cloud-trace.json',
    'sns-plain.json',
    'plain-minimal.json',
  ])(
    'gives a message SQS moved itself an unknown reason and the connection from its body (%s)',
    (fixture) => {
      // Prepare
      const body = readFixture(fixture);

      // Act
      const info = readDeadLetterInfo(message({ Body: body }));

      // Assess
      expect(info).toMatchObject({
        kind: 'sqs-redrive',
        code: undefined,
        description: 'unknown (moved by SQS redrive)',
        failedAt: new Date(Number(SENT)),
        originalMessageId: 'dlq-1',
      });
      expect(info.vpnConnectionId).toMatch(/^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-/);
      expect(body).toContain(info.vpnConnectionId);
    },
  );

  it('says so when the reason cannot be read, and when the body holds no connection', () => {
    // Act
    const info = readDeadLetterInfo(
      message({
        Body: 'not json',
        MessageAttributes: { vpn_monitor_failure: { DataType: 'String', StringValue: '{oops' } },
      }),
    );

    // Assess
    expect(info).toMatchObject({ kind: 'unreadable-reason', vpnConnectionId: undefined });
    expect(info.description).toContain('cannot be read');
  });

  it('carries the original message id and the replay count over from an earlier replay', () => {
    // Prepare
    const replayed = message({
      MessageAttributes: {
        ...failure({ kind: 'retries-exhausted', code: 'APIGW.0301', source_message_id: 'copy-1' }),
        vpn_monitor_replay: {
          DataType: 'String',
          StringValue: JSON.stringify({
            original_message_id: 'first-1',
            dlq_message_id: 'dlq-0',
            replayed_at: '2025-11-24T09:00:00.000Z',
            replay_count: 2,
          }),
        },
      },
    });

    // Act
    const info = readDeadLetterInfo(replayed);

    // Assess
    expect(info).toMatchObject({
      originalMessageId: 'first-1',
      replayCount: 2,
      failedAt: new Date(Number(SENT)),
    });
  });
});
