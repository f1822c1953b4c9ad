import { Agent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RandomFaults } from '../../../local/huawei-simulator/schemas.ts';
import {
  CONNECTION_ID,
  CREDENTIALS,
  controllableSleep,
  PROJECT_ID,
  SECOND_CONNECTION_ID,
  startTestSimulator,
  type TestSimulator,
} from './helpers.ts';

const MONITORS = `/v5/${PROJECT_ID}/connection-monitors`;

describe('Huawei VPN API simulator: injected faults', () => {
  let t: TestSimulator;

  afterEach(async () => {
    await t.sim.stop();
  });

  it.each([
    [429, 'VPN.0429', 3, '3'],
    [429, 'APIGW.0308', 'Wed, 11 Jun 2026 08:00:02 GMT', 'Wed, 11 Jun 2026 08:00:02 GMT'],
    [500, 'VPN.0002', undefined, undefined],
    [504, 'VPN.0014', undefined, undefined],
  ])(
    'answers a status fault %i %s once, with Retry-After %s, and creates nothing',
    async (status, code, retryAfter, header) => {
      // Prepare
      t = await startTestSimulator();
      t.sim.injectFault({
        kind: 'status',
        operation: 'create',
        status,
        code,
        message: 'injected',
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });

      // Act
      const faulted = await t.createMonitor(CONNECTION_ID);
      const next = await t.createMonitor(CONNECTION_ID);

      // Assess
      expect(faulted.status).toBe(status);
      expect(faulted.json).toMatchObject({ error_code: code, error_msg: 'injected' });
      expect(faulted.headers['retry-after']).toBe(header);
      expect(next.status).toBe(201);
      expect(t.sim.monitors()).toHaveLength(1);
      expect(t.sim.stats()).toMatchObject({ faultsInjected: 1, faultsByKind: { status: 1 } });
    },
  );

  it('fills in a documented code when a status fault names only its status', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({ kind: 'status', status: 502 });
    t.sim.injectFault({ kind: 'status', status: 504 });
    t.sim.injectFault({ kind: 'status', status: 429 });

    // Act
    const first = await t.call({ path: MONITORS });
    const second = await t.call({ path: MONITORS });
    const third = await t.call({ path: MONITORS });

    // Assess: the gateway answers both backend failures with APIGW.0201 (there is no APIGW.0202)
    expect(first.status).toBe(502);
    expect(first.json).toMatchObject({
      error_code: 'APIGW.0201',
      error_msg: 'Backend unavailable',
    });
    expect(second.status).toBe(504);
    expect(second.json).toMatchObject({ error_code: 'APIGW.0201', error_msg: 'Backend timeout' });
    expect(third.status).toBe(429);
    expect(third.json.error_code).toBe('VPN.0429');
  });

  it('applies a rule `times` times, only to its operation and connection', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({
      kind: 'status',
      status: 503,
      operation: 'create',
      connectionId: SECOND_CONNECTION_ID,
      times: 2,
    });

    // Act
    const listed = await t.call({ path: MONITORS });
    const other = await t.createMonitor(CONNECTION_ID);
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await t.createMonitor(SECOND_CONNECTION_ID)).status);

    // Assess
    expect(listed.status).toBe(200);
    expect(other.status).toBe(201);
    expect(statuses).toEqual([503, 503, 201]);
    expect(t.sim.pendingFaults()).toEqual([]);
  });

  it('matches show and delete faults by the monitored connection', async () => {
    // Prepare
    t = await startTestSimulator();
    const created = await t.createMonitor(CONNECTION_ID);
    const id = String((created.json.connection_monitor as Record<string, unknown>).id);
    t.sim.injectFault({
      kind: 'status',
      status: 500,
      operation: 'delete',
      connectionId: CONNECTION_ID,
    });

    // Act
    const shown = await t.call({ path: `${MONITORS}/${id}` });
    const deleted = await t.call({ method: 'DELETE', path: `${MONITORS}/${id}` });

    // Assess
    expect(shown.status).toBe(200);
    expect(deleted.status).toBe(500);
    expect(t.sim.monitors()).toHaveLength(1);
  });

  it('does not spend a fault on a request that fails authentication', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({ kind: 'status', status: 503 });

    // Act
    const refused = await t.call({ path: MONITORS, credentials: { ...CREDENTIALS, sk: 'wrong' } });
    const faulted = await t.call({ path: MONITORS });

    // Assess
    expect(refused.status).toBe(401);
    expect(faulted.status).toBe(503);
  });

  it('delays a request, then handles it normally', async () => {
    // Prepare
    const clock = controllableSleep();
    t = await startTestSimulator({ sleep: clock.sleep });
    t.sim.injectFault({ kind: 'delay', ms: 2500, operation: 'create' });

    // Act
    const pending = t.createMonitor(CONNECTION_ID);
    await vi.waitFor(() => expect(clock.waiting).toHaveLength(1));
    const monitorsWhileDelayed = t.sim.monitors();
    const inFlight = t.sim.stats().inFlight;
    clock.releaseAll();
    const response = await pending;

    // Assess
    expect(clock.waiting).toEqual([]);
    expect(monitorsWhileDelayed).toEqual([]);
    expect(inFlight).toBe(1);
    expect(response.status).toBe(201);
    expect(t.sim.monitors()).toHaveLength(1);
  });

  it('adds the configured latency to every request, on top of a delay fault', async () => {
    // Prepare
    const clock = controllableSleep();
    t = await startTestSimulator({ sleep: clock.sleep, latencyMs: 40 });
    t.sim.injectFault({ kind: 'delay', ms: 100, operation: 'create' });

    // Act
    const listing = t.call({ path: MONITORS });
    const creating = t.createMonitor(CONNECTION_ID);
    await vi.waitFor(() => expect(clock.waiting).toHaveLength(2));
    const waits = clock.waiting.map((entry) => entry.ms).sort((a, b) => a - b);
    clock.releaseAll();
    t.sim.setLatency(0);
    const responses = await Promise.all([listing, creating, t.call({ path: MONITORS })]);

    // Assess
    expect(waits).toEqual([40, 140]);
    expect(responses.map((response) => response.status)).toEqual([200, 201, 200]);
    expect(clock.waiting).toEqual([]);
  });

  it('resets the connection without creating anything on drop-before', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({ kind: 'drop-before', operation: 'create' });

    // Act
    const dropped = t.createMonitor(CONNECTION_ID);

    // Assess
    await expect(dropped).rejects.toThrow();
    expect(t.sim.monitors()).toEqual([]);
    expect(t.sim.stats()).toMatchObject({ created: 0, byStatus: { dropped: 1 } });
    expect((await t.createMonitor(CONNECTION_ID)).status).toBe(201);
  });

  it('creates the monitor, then resets the connection without answering, on drop-after', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({ kind: 'drop-after', operation: 'create', connectionId: CONNECTION_ID });

    // Act
    const dropped = t.createMonitor(CONNECTION_ID);

    // Assess
    await expect(dropped).rejects.toThrow();
    expect(t.sim.monitors(PROJECT_ID)).toEqual([
      expect.objectContaining({ vpn_connection_id: CONNECTION_ID }),
    ]);
    expect(t.sim.stats()).toMatchObject({
      created: 1,
      byOperationAndStatus: { create: { dropped: 1 } },
    });
    const retried = await t.createMonitor(CONNECTION_ID);
    expect(retried.json.error_code).toBe('VPN.0381');
  });

  it('refuses an invalid fault rule', async () => {
    // Prepare
    t = await startTestSimulator();

    // Act
    const inject = () => t.sim.injectFault({ kind: 'status', status: 200 });

    // Assess
    expect(inject).toThrow();
    expect(t.sim.pendingFaults()).toEqual([]);
  });

  it('counts the most requests handled at once', async () => {
    // Prepare
    const clock = controllableSleep();
    t = await startTestSimulator({ sleep: clock.sleep });
    t.sim.injectFault({ kind: 'delay', ms: 1000, times: 3 });

    // Act
    const pending = [1, 2, 3].map(() => t.call({ path: MONITORS }));
    await vi.waitFor(() => expect(clock.waiting).toHaveLength(3));
    clock.releaseAll();
    const responses = await Promise.all(pending);

    // Assess
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(t.sim.stats()).toMatchObject({ maxConcurrentRequests: 3, inFlight: 0 });
  });

  it('counts distinct TCP connections', async () => {
    // Prepare
    t = await startTestSimulator();
    const first = new Agent({ connections: 1 });
    const second = new Agent({ connections: 1 });

    // Act
    await t.call({ path: MONITORS, dispatcher: first });
    await t.call({ path: MONITORS, dispatcher: first });
    await t.call({ path: MONITORS, dispatcher: second });

    // Assess
    expect(t.sim.stats()).toMatchObject({ requests: 3, tcpConnections: 2 });
    await Promise.all([first.close(), second.close()]);
  });
});

describe('Huawei VPN API simulator: random faults', () => {
  const outcomes = async (settings: RandomFaults, count: number): Promise<number[]> => {
    const t = await startTestSimulator();
    try {
      t.sim.setRandomFaults(settings);
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) statuses.push((await t.call({ path: MONITORS })).status);
      return statuses;
    } finally {
      await t.sim.stop();
    }
  };

  it('draws the same faults from the same seed', async () => {
    // Prepare
    const settings: RandomFaults = { rate: 0.5, kinds: ['throttle', 'server-error'], seed: 42 };

    // Act
    const first = await outcomes(settings, 40);
    const second = await outcomes(settings, 40);
    const other = await outcomes({ ...settings, seed: 7 }, 40);

    // Assess
    expect(first).toEqual(second);
    expect(first).not.toEqual(other);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(5);
    expect(first.filter((status) => status !== 200).length).toBeGreaterThan(5);
    expect(new Set(first)).toEqual(
      new Set(first.filter((s) => [200, 429, 500, 502, 504].includes(s))),
    );
  });

  it('never faults at rate 0 and always at rate 1', async () => {
    // Act
    const never = await outcomes({ rate: 0, kinds: ['server-error'], seed: 1 }, 10);
    const always = await outcomes({ rate: 1, kinds: ['throttle'], seed: 1, retryAfter: 2 }, 10);

    // Assess
    expect(never.every((status) => status === 200)).toBe(true);
    expect(always.every((status) => status === 429)).toBe(true);
  });

  it('drops connections at random, creating behind drop-after only', async () => {
    // Prepare
    const t = await startTestSimulator({ projects: { [PROJECT_ID]: 30 } });
    t.sim.setRandomFaults({ rate: 1, kinds: ['drop-before', 'drop-after'], seed: 3 });
    const ids = t.sim.connections(PROJECT_ID).map((connection) => connection.id);

    try {
      // Act
      const settled = await Promise.allSettled(ids.map((id) => t.createMonitor(id)));

      // Assess
      expect(settled.every((result) => result.status === 'rejected')).toBe(true);
      const stats = t.sim.stats();
      expect(stats.faultsByKind['drop-after']).toBeGreaterThan(0);
      expect(stats.faultsByKind['drop-before']).toBeGreaterThan(0);
      expect(stats.created).toBe(stats.faultsByKind['drop-after']);
      expect(t.sim.monitors()).toHaveLength(stats.created);
    } finally {
      await t.sim.stop();
    }
  });
});
