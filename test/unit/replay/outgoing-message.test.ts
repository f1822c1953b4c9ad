import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../lib/aws/sqs-limits.ts';
import { buildReplayEntry, replayDeduplicationId } from '../../../lib/replay/copy.ts';
import { readDeadLetterInfo } from '../../../lib/replay/dead-letter-info.ts';

const NOW = new Date('2025-11-25T12:00:00Z');

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

const dead = (
  attributes: Record<string, MessageAttributeValue>,
  overrides: Partial<Message> = {},
): Message => ({
  MessageId: 'dlq-1',
  Body: '{"vpn_connection_id":"c0000000-0000-0000-0000-000000000001"}',
  MessageAttributes: attributes,
  Attributes: { SentTimestamp: '1764064800000' },
  ...overrides,
});

const build = (message: Message, fifo = false) =>
  buildReplayEntry(message, readDeadLetterInfo(message), { id: 'm0', fifo, now: NOW });

const failure = text(
  JSON.stringify({ kind: 'retries-exhausted', code: 'APIGW.0301', source_message_id: 'src-1' }),
);

describe('buildReplayEntry', () => {
  it('keeps the body and attributes, swaps the failure reason for replay metadata', () => {
    // Prepare
    const message = dead({ tenant: text('acme'), vpn_monitor_failure: failure });

    // Act
    const { entry, metadataDropped } = build(message);

    // Assess
    expect(metadataDropped).toBe(false);
    expect(entry.MessageBody).toBe(message.Body);
    expect(entry.MessageAttributes?.tenant).toEqual(text('acme'));
    expect(entry.MessageAttributes?.vpn_monitor_failure).toBeUndefined();
    expect(JSON.parse(entry.MessageAttributes?.vpn_monitor_replay?.StringValue ?? '')).toEqual({
      original_message_id: 'src-1',
      dlq_message_id: 'dlq-1',
      replayed_at: '2025-11-25T12:00:00.000Z',
      replay_count: 1,
      reason: 'APIGW.0301',
    });
    expect(entry.MessageGroupId).toBeUndefined();
  });

  it('fits in 10 attributes: 9 of the message and the replay metadata', () => {
    // Prepare
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, text(`${i}`)]));

    // Act
    const { entry, metadataDropped } = build(dead({ ...nine, vpn_monitor_failure: failure }));

    // Assess
    expect(metadataDropped).toBe(false);
    expect(Object.keys(entry.MessageAttributes ?? {})).toHaveLength(10);
  });

  it('lets the message keep its own 10 attributes and goes without metadata', () => {
    // Prepare
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, text(`${i}`)]));

    // Act
    const { entry, metadataDropped } = build(dead(ten));

    // Assess
    expect(metadataDropped).toBe(true);
    expect(entry.MessageAttributes).toEqual(ten);
  });

  it('goes without metadata rather than over 256 KB', () => {
    // Prepare
    const body = 'x'.repeat(MAX_MESSAGE_BYTES - 20);

    // Act
    const { entry, bytes, metadataDropped } = build(dead({}, { Body: body }));

    // Assess
    expect(metadataDropped).toBe(true);
    expect(entry.MessageAttributes).toBeUndefined();
    expect(bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('keeps the FIFO group and derives a deduplication id per replay', () => {
    // Prepare
    const message = dead(
      {},
      {
        Attributes: {
          MessageGroupId: 'project-a',
          MessageDeduplicationId: 'dedup-1',
          AWSTraceHeader: 'Root=1-abc',
        },
      },
    );

    // Act
    const { entry } = build(message, true);

    // Assess
    expect(entry).toMatchObject({
      MessageGroupId: 'project-a',
      MessageDeduplicationId: 'dedup-1.replay-1',
      MessageSystemAttributes: { AWSTraceHeader: text('Root=1-abc') },
    });
  });

  it('keeps deduplication ids within SQS limit of 128 characters', () => {
    // Act
    const id = replayDeduplicationId('d'.repeat(128), 3);

    // Assess
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(replayDeduplicationId('d'.repeat(128), 3)).toBe(id);
    expect(replayDeduplicationId('d'.repeat(128), 4)).not.toBe(id);
  });
});
