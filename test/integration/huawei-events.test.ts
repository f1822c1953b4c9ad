import { readFileSync } from 'node:fs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HuaweiVpnClient } from '../../lib/huawei/vpn-client.ts';
import { ORIGIN_ATTRIBUTE, RUN_ID_ATTRIBUTE } from '../../lib/idempotency/origin.ts';
import {
  CREDENTIALS,
  failedIds,
  PROJECT_ID,
  plainBody,
  REGION,
  sqsRecord,
  startWorld,
  type World,
} from './harness.ts';
import { huaweiClient } from './reconcile/helpers.ts';

// Huawei's own event shapes through the real handler: messages that announce no new connection
// are acknowledged and counted, a batch-create trace gets one monitor per connection, and a
// reconcile message beside an ordinary event for the same connection is not absorbed by it.

let world: World;
let client: HuaweiVpnClient;
let captured = '';
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

beforeAll(async () => {
  world = await startWorld({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' });
  client = huaweiClient();
  // The function's logs and embedded-format metrics, kept for the assertions, not echoed.
  const capture = (chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});

afterAll(async () => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  await client?.close();
  await world?.stop();
});

beforeEach(async () => {
  world.huawei.setCredentials([CREDENTIALS]);
  world.huawei.clearFaults();
  world.huawei.resetStats();
  await world.drainDlq();
  captured = '';
});

const fixture = (name: string): string =>
  readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8');

/** The batch-create fixture, made to name the given connections. */
const batchBody = (ids: readonly string[]): string => {
  const event = JSON.parse(fixture('batch/cloudevents-cloud-trace-batch-create.json'));
  const [first] = event.data.response.vpn_connections;
  event.data.response.vpn_connections = ids.map((id) => ({ ...first, id }));
  return JSON.stringify(event);
};

/** The sum of each metric the function emitted since the test began. */
const metricTotals = (): Record<string, number> => {
  const totals: Record<string, number> = {};
  for (const line of captured.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const emitted = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    };
    for (const { Name } of emitted._aws.CloudWatchMetrics.flatMap((m) => m.Metrics)) {
      const value = emitted[Name];
      totals[Name] = (totals[Name] ?? 0) + (typeof value === 'number' ? value : 0);
    }
  }
  return totals;
};

/** An SQS record marked, as reconcile marks it, as queued by the run `runId`. */
const reconcileRecord = (body: string, runId: string): SQSRecord => {
  const record = sqsRecord(body);
  const attribute = (value: string) => ({
    dataType: 'String',
    stringValue: value,
    stringListValues: [],
    binaryListValues: [],
  });
  return {
    ...record,
    messageAttributes: {
      [ORIGIN_ATTRIBUTE]: attribute('reconcile'),
      [RUN_ID_ATTRIBUTE]: attribute(runId),
    },
  };
};

describe('createMonitor with Huawei event shapes', () => {
  it('acknowledges messages that announce no new connection: no Huawei call, no DLQ, counted', async () => {
    // Prepare
    const bodies = [
      'ignored/cloudevents-cloud-trace-update.json',
      'ignored/cloudevents-cloud-trace-delete.json',
      'ignored/cloudevents-cloud-trace-create-failed.json',
      'ignored/smn-subscription-confirmation.json',
    ].map(fixture);

    // Act
    const response = await world.invoke(bodies.map((body) => sqsRecord(body)));

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(world.huawei.stats().byOperation).toEqual({});
    expect(await world.drainDlq()).toEqual([]);
    expect(metricTotals()).toMatchObject({ EventsIgnored: 4 });
    expect(metricTotals()).not.toHaveProperty('DeadLettered');
    expect(captured).toContain('Cloud Trace updateVpnConnection announces no new VPN connection');
  });

  it('gives each connection of a batch-create trace its monitor and its event', async () => {
    // Prepare
    const ids = [world.newConnection(), world.newConnection()];

    // Act
    const response = await world.invoke([sqsRecord(batchBody(ids))]);

    // Assess
    expect(failedIds(response)).toEqual([]);
    for (const id of ids) {
      expect(world.monitorsFor(id)).toHaveLength(1);
      expect(world.eventsFor(id).map((event) => event.detail.outcome)).toEqual(['created']);
    }
    expect(metricTotals()).toMatchObject({ MonitorsCreated: 2 });
  });

  it('dead-letters a batch-create message once, naming the connection that failed', async () => {
    // Prepare: Huawei rejects one of the two for good
    const [good, bad] = [world.newConnection(), world.newConnection()];
    world.huawei.injectFault({
      kind: 'status',
      status: 400,
      code: 'VPN.0001',
      operation: 'create',
      connectionId: bad,
      times: 20,
    });

    // Act
    const response = await world.invoke([sqsRecord(batchBody([good, bad]))]);
    const dlq = await world.drainDlq();

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(good)).toHaveLength(1);
    expect(world.eventsFor(good)).toHaveLength(1);
    expect(world.monitorsFor(bad)).toHaveLength(0);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.reason).toMatchObject({ vpn_connection_id: bad, code: 'VPN.0001' });
    expect(dlq[0]?.reason?.message).toContain(`1 of 2 connections failed: ${bad}: `);
  });

  it('redelivers a batch-create message while one connection must wait, then finishes it', async () => {
    // Prepare: Huawei asks to come back in 4 s for one connection; the invocation has 5 s (2.5 s
    // to work in). A container of its own: its pacer holds the project's calls for those 4 s.
    const [quick, slow] = [world.newConnection(), world.newConnection()];
    world.huawei.injectFault({
      kind: 'status',
      status: 429,
      code: 'APIGW.0308',
      retryAfter: 4,
      operation: 'create',
      connectionId: slow,
      times: 1,
    });
    const record = sqsRecord(batchBody([quick, slow]));
    const container = world.newContainer();

    // Act: the redelivery comes once Huawei's wait is over
    const first = await container([record], 5_000);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const again = await container([
      { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } },
    ]);

    // Assess: one monitor and one event each; the part done first was not redone
    expect(failedIds(first)).toEqual([record.messageId]);
    expect(failedIds(again)).toEqual([]);
    for (const id of [quick, slow]) {
      expect(world.monitorsFor(id)).toHaveLength(1);
      expect(world.eventsFor(id)).toHaveLength(1);
    }
    expect(await world.drainDlq()).toEqual([]);
  });

  it('reads a Cloud Trace trace delivered by an SMN HTTP(S) notification', async () => {
    // Prepare
    const id = world.newConnection();
    const smn = JSON.parse(fixture('smn-cloud-trace.json'));
    const trace = JSON.parse(smn.message);
    const body = JSON.stringify({
      ...smn,
      message: JSON.stringify({ ...trace, resource_id: id, response: { vpn_connection: { id } } }),
    });

    // Act
    const response = await world.invoke([sqsRecord(body)]);

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(id)).toHaveLength(1);
    expect(world.eventsFor(id)[0]?.detail.correlation).toMatchObject({
      smnMessageId: smn.message_id,
      traceId: trace.trace_id,
    });
  });

  it('does not absorb a reconcile message as the twin of an event for the same connection', async () => {
    // Prepare: handled through the event path, then its monitor deleted by someone
    const connection = world.newConnection();
    expect(failedIds(await world.invoke([sqsRecord(plainBody(connection))]))).toEqual([]);
    const [monitor] = world.monitorsFor(connection);
    await client.deleteMonitor({ projectId: PROJECT_ID, region: REGION }, monitor?.id ?? '');

    // Act: the connection's event, delivered again, and a reconcile run's message, in one batch
    const response = await world.invoke([
      sqsRecord(plainBody(connection)),
      reconcileRecord(plainBody(connection), '20261126T024000Z-3f9a1c0b'),
    ]);

    // Assess: the monitor is back, with its event
    expect(failedIds(response)).toEqual([]);
    expect(world.monitorsFor(connection)).toHaveLength(1);
    expect(world.eventsFor(connection).map((event) => event.detail.outcome)).toEqual([
      'created',
      'created',
    ]);
  });
});
