import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuaweiApiError, HuaweiUnreadableAnswerError } from '../../../lib/errors.ts';
import { createCredentialsProvider } from '../../../lib/huawei/credentials.ts';
import { HuaweiVpnClient } from '../../../lib/huawei/vpn-client.ts';
import { startHuaweiSimulator } from '../../../local/huawei-simulator/server.ts';
import type { HuaweiSimulator } from '../../../local/huawei-simulator/types.ts';
import { CONNECTION_ID, CREDENTIALS, PROJECT_ID } from '../../local/huawei-simulator/helpers.ts';

const TARGET = { projectId: PROJECT_ID, region: 'cn-north-4' };
const UNKNOWN_MONITOR_ID = '00000000-0000-4000-a000-000000000000';

describe('HuaweiVpnClient against the VPN API simulator', () => {
  let simulator: HuaweiSimulator;
  let client: HuaweiVpnClient;

  beforeAll(async () => {
    simulator = await startHuaweiSimulator({
      credentials: [CREDENTIALS],
      projects: { [PROJECT_ID]: [CONNECTION_ID] },
    });
    client = new HuaweiVpnClient({
      endpoint: () => simulator.endpoint,
      credentials: createCredentialsProvider(
        { kind: 'environment', ...CREDENTIALS, securityToken: CREDENTIALS.securityToken },
        () => Promise.reject(new Error('no secret in this test')),
      ),
      attemptTimeoutMs: 5_000,
    });
  });

  afterAll(async () => {
    await client.close();
    await simulator.stop();
  });

  it('shows the monitor it created (with its status), and lists it by connection', async () => {
    // Act
    const created = await client.createMonitor(TARGET, CONNECTION_ID);
    const shown = await client.showMonitor(TARGET, created.monitor.id);
    const listed = await client.listMonitors(TARGET, CONNECTION_ID);

    // Assess
    expect(shown.monitor).toMatchObject(created.monitor);
    expect(shown.monitor.status).toEqual(expect.any(String));
    expect(shown.requestId).toEqual(expect.any(String));
    expect(shown.requestId).not.toBe(created.requestId);
    expect(listed.monitors.map((monitor) => monitor.id)).toEqual([created.monitor.id]);
  });

  it('answers a deleted monitor, and an unknown one, with the API error', async () => {
    // Prepare
    const { monitors } = await client.listMonitors(TARGET, CONNECTION_ID);
    const monitorId = monitors[0]?.id ?? UNKNOWN_MONITOR_ID;

    // Act
    const deleted = await client.deleteMonitor(TARGET, monitorId);
    const gone = await client.showMonitor(TARGET, monitorId).catch((error: unknown) => error);
    const unknown = await client
      .showMonitor(TARGET, UNKNOWN_MONITOR_ID)
      .catch((error: unknown) => error);

    // Assess
    expect(deleted.requestId).toEqual(expect.any(String));
    for (const error of [gone, unknown]) {
      expect(error).toBeInstanceOf(HuaweiApiError);
      expect((error as HuaweiApiError).status).toBeGreaterThanOrEqual(400);
      expect((error as HuaweiApiError).message).toMatch(/^Huawei VPN API show failed with HTTP 4/);
    }
  });

  describe('answers it cannot use', () => {
    const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
      promise.then(
        () => new Error('the call succeeded'),
        (error: unknown) => error,
      );

    it.each([
      ['truncated JSON with 201', { form: 'truncated', status: 201 }, 'application/json'],
      ['an HTML page with 200', { form: 'html', status: 200 }, 'text/html'],
      ['an HTML page with 502', { form: 'html', status: 502 }, 'text/html'],
    ] as const)(
      'reads a create answered with %s as one that may have gone through',
      async (_, garble, type) => {
        // Prepare
        const id = simulator.addConnection(PROJECT_ID, randomUUID()).id;
        simulator.injectFault({ kind: 'garble', ...garble, operation: 'create', connectionId: id });
        // Act
        const error = await failureOf(client.createMonitor(TARGET, id));
        // Assess: the monitor exists, and the error says so rather than reading the status
        expect(error).toBeInstanceOf(HuaweiUnreadableAnswerError);
        expect(error).toMatchObject({
          status: garble.status,
          mayHaveChangedState: true,
          seen: `unreadable answer, HTTP ${garble.status}, ${type}`,
        });
        expect(
          simulator.monitors(PROJECT_ID).filter((m) => m.vpn_connection_id === id),
        ).toHaveLength(1);
      },
    );

    it('reads a garbled list as a read to ask again, nothing changed', async () => {
      const id = simulator.addConnection(PROJECT_ID, randomUUID()).id;
      simulator.injectFault({
        kind: 'garble',
        form: 'truncated',
        status: 200,
        operation: 'list',
        connectionId: id,
      });
      const error = await failureOf(client.listMonitors(TARGET, id));
      expect(error).toMatchObject({
        name: 'HuaweiUnreadableAnswerError',
        mayHaveChangedState: false,
        seen: 'unreadable answer, HTTP 200, application/json',
      });
    });

    it('never returns a monitor of another connection, from a create or a list', async () => {
      // Prepare
      const id = simulator.addConnection(PROJECT_ID, randomUUID()).id;
      simulator.injectFault({ kind: 'another-connection', operation: 'create', connectionId: id });
      simulator.injectFault({ kind: 'another-connection', operation: 'list', connectionId: id });
      // Act
      const created = await failureOf(client.createMonitor(TARGET, id));
      const listed = await failureOf(client.listMonitors(TARGET, id));
      // Assess
      expect(created).toMatchObject({
        name: 'HuaweiUnreadableAnswerError',
        mayHaveChangedState: true,
        seen: 'answer about another connection, HTTP 201',
      });
      expect(listed).toMatchObject({
        name: 'HuaweiUnreadableAnswerError',
        mayHaveChangedState: false,
        seen: 'answer about another connection, HTTP 200',
      });
      // and without a filter, the project's monitors of every connection are the answer
      const all = await client.listMonitors(TARGET, undefined);
      expect(all.monitors.map((m) => m.vpn_connection_id)).toContain(id);
    });

    it('reads an error body it cannot parse as unreadable, and an empty one by its status', async () => {
      // Prepare
      const id = simulator.addConnection(PROJECT_ID, randomUUID()).id;
      simulator.injectFault({
        kind: 'answer',
        status: 404,
        body: '<h1>Not Found</h1>',
        contentType: 'text/html',
        handled: false,
        operation: 'showConnection',
        connectionId: id,
      });
      simulator.injectFault({
        kind: 'answer',
        status: 404,
        body: '',
        handled: false,
        operation: 'showConnection',
        connectionId: id,
      });
      // Act
      const page = await failureOf(client.showConnection(TARGET, id));
      const empty = await failureOf(client.showConnection(TARGET, id));
      // Assess
      expect(page).toMatchObject({ name: 'HuaweiUnreadableAnswerError', status: 404 });
      expect(empty).toBeInstanceOf(HuaweiApiError);
      expect(empty).not.toBeInstanceOf(HuaweiUnreadableAnswerError);
      expect(empty).toMatchObject({ status: 404 });
    });
  });
});
