import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectToSimulator } from '../../../local/huawei-simulator/control-client.ts';
import { generatedConnectionId } from '../../../local/huawei-simulator/ids.ts';
import {
  CONNECTION_ID,
  CREDENTIALS,
  callApi,
  type Json,
  OTHER_PROJECT_ID,
  PROJECT_ID,
  startTestSimulator,
  type TestSimulator,
  UNKNOWN_CONNECTION_ID,
} from './helpers.ts';

const control = async (
  endpoint: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> => {
  const response = await fetch(`${endpoint}/__simulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Json) };
};

describe('Huawei VPN API simulator: HTTP control surface', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator();
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it('answers health checks without a signature', async () => {
    // Act
    const response = await control(t.sim.endpoint, 'GET', 'health');

    // Assess
    expect(response).toEqual({ status: 200, json: { status: 'ok' } });
  });

  it('adds connections, changes their status and removes them', async () => {
    // Act
    const added = await control(
      t.sim.endpoint,
      'POST',
      `projects/${OTHER_PROJECT_ID}/connections`,
      {
        id: UNKNOWN_CONNECTION_ID,
        status: 'PENDING_CREATE',
      },
    );
    const notReady = await t.createMonitor(UNKNOWN_CONNECTION_ID, OTHER_PROJECT_ID);
    const patched = await control(
      t.sim.endpoint,
      'PATCH',
      `projects/${OTHER_PROJECT_ID}/connections/${UNKNOWN_CONNECTION_ID}`,
      { status: 'ACTIVE' },
    );
    const created = await t.createMonitor(UNKNOWN_CONNECTION_ID, OTHER_PROJECT_ID);
    const removed = await control(
      t.sim.endpoint,
      'DELETE',
      `projects/${OTHER_PROJECT_ID}/connections/${UNKNOWN_CONNECTION_ID}`,
    );
    const removedAgain = await control(
      t.sim.endpoint,
      'DELETE',
      `projects/${OTHER_PROJECT_ID}/connections/${UNKNOWN_CONNECTION_ID}`,
    );

    // Assess
    expect(added.status).toBe(201);
    expect(added.json.connections).toEqual([
      expect.objectContaining({ id: UNKNOWN_CONNECTION_ID, status: 'PENDING_CREATE' }),
    ]);
    expect(notReady.status).toBe(409);
    expect(patched.status).toBe(200);
    expect(created.status).toBe(201);
    expect(removed.status).toBe(204);
    expect(removedAgain.status).toBe(404);
    expect(t.sim.monitors(OTHER_PROJECT_ID)).toEqual([]);
  });

  it('generates connections by count, with predictable ids', async () => {
    // Act
    const response = await control(
      t.sim.endpoint,
      'POST',
      `projects/${OTHER_PROJECT_ID}/connections`,
      {
        count: 3,
      },
    );
    const listed = await control(t.sim.endpoint, 'GET', `projects/${OTHER_PROJECT_ID}/connections`);

    // Assess
    expect(response.status).toBe(201);
    expect((listed.json.connections as Json[]).map((connection) => connection.id)).toEqual([
      generatedConnectionId(OTHER_PROJECT_ID, 0),
      generatedConnectionId(OTHER_PROJECT_ID, 1),
      generatedConnectionId(OTHER_PROJECT_ID, 2),
    ]);
  });

  it('queues faults, reads monitors and stats, and resets', async () => {
    // Act
    const queued = await control(t.sim.endpoint, 'POST', 'faults', [
      { kind: 'status', status: 503, operation: 'create' },
      { kind: 'drop-after', operation: 'create' },
    ]);
    const pending = await control(t.sim.endpoint, 'GET', 'faults');
    const unavailable = await t.createMonitor(CONNECTION_ID);
    await expect(t.createMonitor(CONNECTION_ID)).rejects.toThrow();
    const monitors = await control(t.sim.endpoint, 'GET', `monitors?project_id=${PROJECT_ID}`);
    const stats = await control(t.sim.endpoint, 'GET', 'stats');
    const reset = await control(t.sim.endpoint, 'POST', 'reset');
    const afterReset = await control(t.sim.endpoint, 'GET', 'monitors');

    // Assess
    expect(queued).toEqual({ status: 201, json: { pending: 2 } });
    expect(pending.json.faults).toHaveLength(2);
    expect(unavailable.status).toBe(503);
    expect(monitors.json.monitors).toEqual([
      expect.objectContaining({ project_id: PROJECT_ID, vpn_connection_id: CONNECTION_ID }),
    ]);
    expect(stats.json).toMatchObject({
      requests: 2,
      created: 1,
      faultsInjected: 2,
      byOperationAndStatus: { create: { '503': 1, dropped: 1 } },
    });
    expect(reset.status).toBe(204);
    expect(afterReset.json.monitors).toEqual([]);
    expect(t.sim.stats().requests).toBe(0);
  });

  it('sets and clears random faults', async () => {
    // Act
    const set = await control(t.sim.endpoint, 'PUT', 'random-faults', {
      rate: 1,
      kinds: ['server-error'],
      seed: 9,
    });
    const faulted = await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` });
    const cleared = await control(t.sim.endpoint, 'DELETE', 'random-faults');
    const normal = await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` });

    // Assess
    expect(set.status).toBe(204);
    expect(faulted.status).toBeGreaterThanOrEqual(500);
    expect(cleared.status).toBe(204);
    expect(normal.status).toBe(200);
  });

  it('swaps credentials, and restores the original ones on reset', async () => {
    // Prepare
    const rotated = { ak: 'ROTATED', sk: 'rotated-secret' };

    // Act
    const swapped = await control(t.sim.endpoint, 'PUT', 'credentials', [rotated]);
    const old = await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` });
    await control(t.sim.endpoint, 'POST', 'reset');
    const afterReset = await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` });

    // Assess
    expect(swapped.status).toBe(204);
    expect(old.status).toBe(401);
    expect(afterReset.status).toBe(200);
  });

  it.each([
    ['GET', 'nothing-here', undefined, 404],
    ['POST', 'faults', { kind: 'explode' }, 400],
    ['PUT', 'random-faults', { rate: 2, kinds: ['throttle'], seed: 1 }, 400],
    ['PUT', 'latency', { ms: -1 }, 400],
    ['PUT', 'answer-profile', { notReady: 'teapot-418' }, 400],
    ['PUT', 'answer-profile', { sometimes: 'vpn-0381' }, 400],
    ['PUT', 'ready-after', { ms: 1.5 }, 400],
    ['PUT', 'cloud-eye/error-format', { format: 'v3' }, 400],
    ['POST', 'faults', { kind: 'another-connection', operation: 'batchQueryMetricData' }, 400],
    ['POST', 'projects/NOT-A-PROJECT/connections', { id: CONNECTION_ID }, 400],
    ['POST', `projects/${PROJECT_ID}/connections`, { id: CONNECTION_ID }, 400],
    ['PATCH', `projects/${PROJECT_ID}/connections/${CONNECTION_ID}`, { status: 'SLEEPING' }, 400],
  ])('answers %s %s with %i when it cannot comply', async (method, path, body, status) => {
    // Act
    const response = await control(t.sim.endpoint, method, path, body);

    // Assess
    expect(response.status).toBe(status);
    expect(response.json.error).toEqual(expect.any(String));
  });

  it('is driven the same through the control client', async () => {
    // Prepare
    const remote = connectToSimulator(t.sim.endpoint);

    // Act
    await remote.addConnection(OTHER_PROJECT_ID, UNKNOWN_CONNECTION_ID);
    await remote.setLatency(0);
    await remote.injectFault({ kind: 'status', status: 429, retryAfter: 1 });
    const throttled = await t.createMonitor(UNKNOWN_CONNECTION_ID, OTHER_PROJECT_ID);
    const created = await t.createMonitor(UNKNOWN_CONNECTION_ID, OTHER_PROJECT_ID);
    const monitors = await remote.monitors(OTHER_PROJECT_ID);
    const stats = await remote.stats();
    const removedUnknown = await remote.removeConnection(OTHER_PROJECT_ID, CONNECTION_ID);

    // Assess
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(created.status).toBe(201);
    expect(monitors).toHaveLength(1);
    expect(stats.created).toBe(1);
    expect(removedUnknown).toBe(false);
  });

  it('sets the answer profile and readyAfterMs over HTTP and through the control client', async () => {
    // Prepare
    const remote = connectToSimulator(t.sim.endpoint);
    await t.createMonitor(CONNECTION_ID);

    // Act
    const put = await control(t.sim.endpoint, 'PUT', 'answer-profile', {
      notReady: 'forbidden-403',
    });
    const profile = await remote.setAnswerProfile({ alreadyExists: 'vpn-0001' });
    const read = await control(t.sim.endpoint, 'GET', 'answer-profile');
    const duplicate = await t.createMonitor(CONNECTION_ID);
    await remote.setReadyAfter(60_000);
    await remote.addConnection(OTHER_PROJECT_ID, { id: UNKNOWN_CONNECTION_ID, readyAfterMs: 1 });
    const notReady = await t.createMonitor(UNKNOWN_CONNECTION_ID, OTHER_PROJECT_ID);
    const readyAfter = await control(t.sim.endpoint, 'PUT', 'ready-after', { ms: 0 });

    // Assess
    expect(put).toEqual({
      status: 200,
      json: {
        profile: {
          alreadyExists: 'vpn-0381',
          notReady: 'forbidden-403',
          notFound: 'not-found-404',
        },
      },
    });
    expect(profile).toEqual({
      alreadyExists: 'vpn-0001',
      notReady: 'forbidden-403',
      notFound: 'not-found-404',
    });
    expect(read.json.profile).toEqual(profile);
    expect([duplicate.status, duplicate.json.error_code]).toEqual([400, 'VPN.0001']);
    expect([notReady.status, notReady.json.error_code]).toEqual([403, 'VPN.0003']);
    expect(readyAfter.status).toBe(204);
  });

  it('removes a connection and leaves its monitor behind when asked, an orphan', async () => {
    // Prepare
    const remote = connectToSimulator(t.sim.endpoint);
    await remote.addConnection(OTHER_PROJECT_ID, UNKNOWN_CONNECTION_ID);
    expect((await t.createMonitor(UNKNOWN_CONNECTION_ID, OTHER_PROJECT_ID)).status).toBe(201);

    // Act
    const removed = await remote.removeConnection(OTHER_PROJECT_ID, UNKNOWN_CONNECTION_ID, {
      keepMonitor: true,
    });

    // Assess
    expect(removed).toBe(true);
    expect(await remote.connections(OTHER_PROJECT_ID)).toEqual([]);
    expect((await remote.monitors(OTHER_PROJECT_ID)).map((m) => m.vpn_connection_id)).toEqual([
      UNKNOWN_CONNECTION_ID,
    ]);
  });
});

describe('Huawei VPN API simulator: CLI in a child process', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its endpoint as one JSON line, serves signed calls, and stops on SIGTERM', async () => {
    // Prepare
    const main = fileURLToPath(new URL('../../../local/huawei-simulator/main.ts', import.meta.url));
    const args = ['--project', PROJECT_ID, '--connections', '250', '--answer-profile', 'plain-400'];
    child = spawn(process.execPath, [main, ...args], {
      env: {
        ...process.env,
        HUAWEICLOUD_SDK_AK: CREDENTIALS.ak,
        HUAWEICLOUD_SDK_SK: CREDENTIALS.sk,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const [line] = (await once(lines, 'line')) as [string];
    const ready = JSON.parse(line) as { endpoint: string; projects: Record<string, number> };

    // Act
    const page = await callApi(ready.endpoint, Date.now(), {
      path: `/v5/${PROJECT_ID}/vpn-connection?limit=200`,
    });
    const missing = await callApi(ready.endpoint, Date.now(), {
      method: 'POST',
      path: `/v5/${PROJECT_ID}/connection-monitors`,
      body: { connection_monitor: { vpn_connection_id: UNKNOWN_CONNECTION_ID } },
    });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];

    // Assess
    expect(ready.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.projects).toEqual({ [PROJECT_ID]: 250 });
    expect(page.status).toBe(200);
    expect(page.json.total_count).toBe(250);
    expect((page.json.page_info as Json).next_marker).toEqual(expect.any(String));
    expect([missing.status, missing.json.error_code]).toEqual([400, 'VPN.0001']);
    expect(code).toBe(0);
  });

  it("answers Cloud Eye's errors in the shape --cloud-eye-error-format names", async () => {
    // Prepare
    const main = fileURLToPath(new URL('../../../local/huawei-simulator/main.ts', import.meta.url));
    const args = ['--project', PROJECT_ID, '--cloud-eye-error-format', 'v1-older'];
    child = spawn(process.execPath, [main, ...args], {
      env: {
        ...process.env,
        HUAWEICLOUD_SDK_AK: CREDENTIALS.ak,
        HUAWEICLOUD_SDK_SK: CREDENTIALS.sk,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const [line] = (await once(lines, 'line')) as [string];
    const ready = JSON.parse(line) as { endpoint: string };

    // Act
    const refused = await callApi(ready.endpoint, Date.now(), {
      method: 'POST',
      path: `/V1.0/${PROJECT_ID}/batch-query-metric-data`,
      body: { metrics: [] },
    });
    child.kill('SIGTERM');
    await once(child, 'exit');

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: 400,
      element: 'Bad Request',
      details: { code: 'ces.0014' },
    });
  });

  it('refuses an answer profile it does not know, naming the ones it does', async () => {
    // Prepare
    const main = fileURLToPath(new URL('../../../local/huawei-simulator/main.ts', import.meta.url));
    let stderr = '';
    child = spawn(process.execPath, [main, '--answer-profile', 'optimistic'], {
      env: {
        ...process.env,
        HUAWEICLOUD_SDK_AK: CREDENTIALS.ak,
        HUAWEICLOUD_SDK_SK: CREDENTIALS.sk,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });

    // Act
    const [code] = (await once(child, 'exit')) as [number | null];

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain(
      '--answer-profile is one of documented, plain-400, conflict, forbidden',
    );
  });
});
