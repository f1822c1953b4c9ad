import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishError } from '../../../lib/errors.ts';
import type { MonitorCreatedDetail } from '../../../lib/publish/batch-publisher.ts';
import { createBatchPublisher, MAX_BYTES_PER_CALL } from '../../../lib/publish/batch-publisher.ts';
import { type EventBridgeSink, startEventBridgeSink } from '../../../local/aws/eventbridge-sink.ts';

const detail = (i: number, padding = 0): MonitorCreatedDetail => ({
  event_id: `event-${i}`,
  connection_monitor: {
    id: `monitor-${i}`,
    vpn_connection_id: `connection-${i}`,
    type: 'gateway',
    source_ip: '10.0.0.1',
    destination_ip: '10.0.0.2',
    proto_type: 'icmp',
  },
  request_id: 'request',
  project_id: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
  region: 'cn-north-4',
  vpn_connection_id: `connection-${i}`,
  outcome: 'created',
  correlation: { padding: 'x'.repeat(padding) },
});

describe('createBatchPublisher', () => {
  let sink: EventBridgeSink;
  let client: EventBridgeClient;

  beforeAll(async () => {
    sink = await startEventBridgeSink();
    client = new EventBridgeClient({
      endpoint: sink.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await sink.stop();
  });

  /** `count` records that each publish one event, as the provisioner runs them. */
  const publishAll = (count: number, padding = 0) => {
    const publisher = createBatchPublisher(
      { client, eventBusName: 'bus', source: 'test' },
      { deadline: Date.now() + 10_000 },
    );
    for (let i = 0; i < count; i++) publisher.begin();
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        try {
          return await publisher.publish(detail(i, padding));
        } catch (error) {
          return error;
        } finally {
          publisher.end();
        }
      }),
    );
  };

  it('sends the events of a batch in one call once every record waits on it', async () => {
    // Prepare
    sink.clear();
    // Act
    const ids = await publishAll(10);
    // Assess
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(sink.stats().requests).toBe(1);
    expect(sink.events()).toHaveLength(10);
  });

  it('splits a batch that would pass 256 KB', async () => {
    // Prepare: ten events of about 40 KB each
    sink.clear();
    const padding = 40 * 1024;
    // Act
    const ids = await publishAll(10, padding);
    // Assess: every event published, no call over the limit
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(sink.events()).toHaveLength(10);
    expect(sink.stats().requests).toBe(Math.ceil((10 * padding) / MAX_BYTES_PER_CALL));
  });

  it('fails only the entry EventBridge refused', async () => {
    // Prepare
    sink.clear();
    sink.failNext(1, 'ThrottlingException');
    // Act
    const results = await publishAll(3);
    // Assess
    expect(results.filter((r) => r instanceof PublishError)).toEqual([
      expect.objectContaining({ errorCode: 'ThrottlingException' }),
    ]);
    expect(sink.events()).toHaveLength(2);
  });
});
