import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeSink, startEventBridgeSink } from '../../../local/aws/eventbridge-sink.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const entry = (detail: unknown, overrides: Partial<PutEventsRequestEntry> = {}) => ({
  Source: 'vpn-monitor-provisioner',
  DetailType: 'VPN Connection Monitor Created',
  Detail: JSON.stringify(detail),
  EventBusName: 'monitors',
  ...overrides,
});

describe('startEventBridgeSink', () => {
  let sink: EventBridgeSink;
  let client: EventBridgeClient;
  let clientWithoutRetries: EventBridgeClient;

  beforeAll(async () => {
    sink = await startEventBridgeSink();
    const config = {
      endpoint: sink.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    client = new EventBridgeClient(config);
    clientWithoutRetries = new EventBridgeClient({ ...config, maxAttempts: 1 });
  });

  beforeEach(() => {
    sink.clear();
  });

  afterAll(async () => {
    client.destroy();
    clientWithoutRetries.destroy();
    await sink.stop();
  });

  it('accepts events sent with PutEventsCommand and keeps them with Detail parsed', async () => {
    // Prepare
    const time = new Date('2025-01-02T03:04:05Z');

    // Act
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ outcome: 'created' }, { Time: time, Resources: ['vpn:conn-1'] }),
          entry({ outcome: 'already_existed' }, { EventBusName: undefined, TraceHeader: 'Root=1' }),
        ],
      }),
    );

    // Assess
    expect(sink.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toEqual([
      { EventId: expect.stringMatching(UUID) },
      { EventId: expect.stringMatching(UUID) },
    ]);
    expect(sink.events()).toEqual([
      {
        id: result.Entries?.[0]?.EventId,
        eventBusName: 'monitors',
        source: 'vpn-monitor-provisioner',
        detailType: 'VPN Connection Monitor Created',
        detail: { outcome: 'created' },
        time: '2025-01-02T03:04:05.000Z',
        resources: ['vpn:conn-1'],
      },
      expect.objectContaining({
        id: result.Entries?.[1]?.EventId,
        eventBusName: 'default',
        detail: { outcome: 'already_existed' },
        traceHeader: 'Root=1',
      }),
    ]);
  });

  it('fails invalid entries one by one, in order, and keeps the valid ones', async () => {
    // Act
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ ok: true }),
          { Source: 'vpn-monitor-provisioner', DetailType: 'X' },
          entry(undefined, { Detail: 'not json' }),
          entry(['an', 'array']),
          entry({ big: 'x'.repeat(256 * 1024) }),
          entry({ ok: true }, { Source: 'aws.ec2' }),
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(5);
    expect(result.Entries?.map((e) => e.ErrorCode ?? 'accepted')).toEqual([
      'accepted',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'NotAuthorizedForSourceException',
    ]);
    expect(result.Entries?.[1]?.ErrorMessage).toMatch(/Detail is a required argument/);
    expect(sink.events().map((e) => e.detail)).toEqual([{ ok: true }]);
  });

  it('rejects a request with more than 10 entries as a whole', async () => {
    // Prepare
    const entries = Array.from({ length: 11 }, (_, i) => entry({ i }));

    // Act
    const sending = client.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    await expect(sending).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(sink.events()).toEqual([]);
  });

  it('injects a partial failure into the next entries', async () => {
    // Prepare
    sink.failNext(1);

    // Act
    const first = await client.send(
      new PutEventsCommand({ Entries: [entry({ n: 1 }), entry({ n: 2 })] }),
    );
    const second = await client.send(new PutEventsCommand({ Entries: [entry({ n: 3 })] }));

    // Assess
    expect(first.FailedEntryCount).toBe(1);
    expect(first.Entries?.[0]).toMatchObject({ ErrorCode: 'InternalFailure' });
    expect(second.FailedEntryCount).toBe(0);
    expect(sink.events().map((e) => e.detail)).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it.each([
    { status: 500, name: 'InternalException' },
    { status: 400, name: 'ThrottlingException' },
  ])('answers a whole request with $status $name', async ({ status, name }) => {
    // Prepare
    sink.failRequests(1, status);

    // Act
    const sending = clientWithoutRetries.send(new PutEventsCommand({ Entries: [entry({})] }));

    // Assess
    await expect(sending).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(sink.events()).toEqual([]);
  });

  it('lets the SDK retry through an injected server error', async () => {
    // Prepare
    sink.failRequests(2, 500);

    // Act
    const result = await client.send(new PutEventsCommand({ Entries: [entry({ retried: true })] }));

    // Assess
    expect(result.$metadata.attempts).toBe(3);
    expect(sink.stats()).toMatchObject({ requests: 3, failedRequests: 2, accepted: 1 });
  });

  it('answers an unknown operation the way AWS does', async () => {
    // Act
    const response = await fetch(sink.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.ListRules',
      },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
