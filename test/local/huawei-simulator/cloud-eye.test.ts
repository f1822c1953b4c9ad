import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectToSimulator } from '../../../local/huawei-simulator/control-client.ts';
import {
  CONNECTION_ID,
  CREDENTIALS,
  type Json,
  PROJECT_ID,
  SECOND_CONNECTION_ID,
  startTestSimulator,
  type TestSimulator,
} from './helpers.ts';

let t: TestSimulator;

beforeEach(async () => {
  t = await startTestSimulator();
});

afterEach(async () => {
  await t.sim.stop();
});

const metric = (name: string, id: string) => ({
  namespace: 'SYS.VPN',
  metric_name: name,
  dimensions: [{ name: 'evpn_connection_id', value: id }],
});

const query = (metrics: unknown[], minutes = 5) => ({
  metrics,
  from: t.clock.now - minutes * 60_000,
  to: t.clock.now,
  period: '1',
  filter: 'average',
});

const batch = (body: unknown, credentials = CREDENTIALS) =>
  t.call({
    method: 'POST',
    path: `/V1.0/${PROJECT_ID}/batch-query-metric-data`,
    body: body as Json,
    credentials,
  });

type Answer = { metrics: { metric_name: string; datapoints: Json[] }[] };

describe('the simulator as Cloud Eye', () => {
  it('answers one point a minute for a monitored connection, and none for one without a monitor', async () => {
    // Prepare
    await t.createMonitor(CONNECTION_ID);

    // Act
    const answer = await batch(
      query([
        metric('connection_status', CONNECTION_ID),
        metric('link_packet_loss_rate', CONNECTION_ID),
        metric('link_average_latency', SECOND_CONNECTION_ID),
      ]),
    );

    // Assess
    expect(answer.status).toBe(200);
    const { metrics } = answer.json as unknown as Answer;
    expect(metrics.map((m) => m.datapoints.length)).toEqual([5, 5, 0]);
    expect(metrics[0]?.datapoints[0]).toEqual({ average: 1, timestamp: expect.any(Number) });
    expect(metrics[1]?.datapoints[0]).toMatchObject({ average: 0 });
  });

  it('reports injected degradation until it is lifted, through the control surface too', async () => {
    // Prepare
    await t.createMonitor(CONNECTION_ID);
    const remote = connectToSimulator(t.sim.endpoint);
    const ask = [
      metric('connection_status', CONNECTION_ID),
      metric('tunnel_packet_loss_rate', CONNECTION_ID),
      metric('tunnel_average_latency', CONNECTION_ID),
    ];

    // Act
    await remote.setConnectionHealth(PROJECT_ID, CONNECTION_ID, {
      status: 0,
      lossPercent: 40,
      latencyMs: 700,
    });
    const degraded = (await batch(query(ask, 1))).json as unknown as Answer;
    await remote.setConnectionHealth(PROJECT_ID, CONNECTION_ID, undefined);
    const recovered = (await batch(query(ask, 1))).json as unknown as Answer;
    t.sim.setConnectionHealth(PROJECT_ID, CONNECTION_ID, { noData: true });
    const silent = (await batch(query(ask, 1))).json as unknown as Answer;

    // Assess
    expect(degraded.metrics.map((m) => m.datapoints[0]?.average)).toEqual([0, 40, 700]);
    expect(recovered.metrics.map((m) => m.datapoints[0]?.average)).toEqual([1, 0, 18]);
    expect(silent.metrics.map((m) => m.datapoints.length)).toEqual([0, 0, 0]);
  });

  it('moves `from` forward beyond 3000 points, and refuses more than 500 metrics', async () => {
    // Prepare
    await t.createMonitor(CONNECTION_ID);
    const many = Array.from({ length: 300 }, () => metric('connection_status', CONNECTION_ID));

    // Act
    const shortened = (await batch(query(many, 60))).json as unknown as Answer;
    const tooMany = await batch(query([...many, ...many]));

    // Assess: 300 metrics x 10 minutes = 3000 points
    expect(shortened.metrics[0]?.datapoints).toHaveLength(10);
    expect(tooMany.status).toBe(400);
  });

  it('refuses a request without a valid signature, and throttles by its own limit', async () => {
    // Prepare
    await t.createMonitor(CONNECTION_ID);
    const ask = query([metric('connection_status', CONNECTION_ID)]);

    // Act
    const unsigned = await batch(ask, { ak: CREDENTIALS.ak, sk: 'not-the-secret-key-at-all' });
    t.sim.setCloudEyeRateLimit({ requestsPerSecond: 1 });
    const first = await batch(ask);
    const second = await batch(ask);

    // Assess
    expect(unsigned.status).toBe(401);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(t.sim.cloudEyeStats()).toMatchObject({ throttled: 1 });
  });
});
