import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generatedConnectionId } from '../../../local/huawei-simulator/ids.ts';
import {
  CONNECTION_ID,
  type Json,
  OTHER_PROJECT_ID,
  PROJECT_ID,
  SECOND_CONNECTION_ID,
  startTestSimulator,
  type TestSimulator,
  UNKNOWN_CONNECTION_ID,
} from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLIC_IP = /^88\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const MONITORS = `/v5/${PROJECT_ID}/connection-monitors`;

describe('Huawei VPN API simulator: connection monitors', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator();
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it('creates a monitor and answers 201 with the documented shape', async () => {
    // Act
    const response = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(response.status).toBe(201);
    const monitor = response.json.connection_monitor as Json;
    expect(monitor).toStrictEqual({
      id: expect.stringMatching(UUID),
      vpn_connection_id: CONNECTION_ID,
      type: 'gateway',
      source_ip: expect.stringMatching(PUBLIC_IP),
      destination_ip: expect.stringMatching(PUBLIC_IP),
      proto_type: 'icmp',
    });
    expect(response.json.request_id).toMatch(UUID);
    expect(response.headers['x-request-id']).toBe(response.json.request_id);
    expect(t.sim.monitors(PROJECT_ID)).toEqual([
      expect.objectContaining({ id: monitor.id, vpn_connection_id: CONNECTION_ID }),
    ]);
    expect(t.sim.stats().created).toBe(1);
  });

  it('refuses a second monitor for the same connection with 400 VPN.0381', async () => {
    // Prepare
    await t.createMonitor(CONNECTION_ID);

    // Act
    const response = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({
      error_code: 'VPN.0381',
      error_msg: `VPN connection ${CONNECTION_ID} already has connection monitor`,
      request_id: expect.stringMatching(UUID),
    });
    expect(t.sim.monitors()).toHaveLength(1);
  });

  it('answers 404 VPN.0004 for a connection that does not exist', async () => {
    // Act
    const response = await t.createMonitor(UNKNOWN_CONNECTION_ID);

    // Assess
    expect(response.status).toBe(404);
    expect(response.json.error_code).toBe('VPN.0004');
    expect(t.sim.monitors()).toEqual([]);
  });

  it.each([
    ['not JSON', '{"connection_monitor":'],
    ['an empty body', ''],
    ['no connection_monitor', { vpn_connection_id: CONNECTION_ID }],
    ['no vpn_connection_id', { connection_monitor: {} }],
    ['an unknown field', { connection_monitor: { vpn_connection_id: CONNECTION_ID, x: 1 } }],
    [
      'an unknown top-level field',
      { connection_monitor: { vpn_connection_id: CONNECTION_ID }, y: 1 },
    ],
    ['an id that is not an id', { connection_monitor: { vpn_connection_id: '../../etc' } }],
    ['a number for the id', { connection_monitor: { vpn_connection_id: 42 } }],
  ])('answers 400 VPN.0001 to a create body with %s', async (_label, body) => {
    // Act
    const response = await t.call({ method: 'POST', path: MONITORS, body });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('VPN.0001');
    expect(t.sim.monitors()).toEqual([]);
  });

  it.each([
    ['PENDING_CREATE', 409, 'VPN.0016'],
    // The `documented` profile answers both not-ready states alike (it was 400 VPN.0306 before
    // answer profiles: a guess, now one of the profiles' variants).
    ['PENDING_UPDATE', 409, 'VPN.0016'],
    ['PENDING_DELETE', 425, 'VPN.0009'],
  ] as const)('refuses a connection in %s with %i %s', async (status, httpStatus, code) => {
    // Prepare
    t.sim.setConnectionStatus(PROJECT_ID, CONNECTION_ID, status);

    // Act
    const response = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(response.status).toBe(httpStatus);
    expect(response.json.error_code).toBe(code);
    expect(t.sim.monitors()).toEqual([]);
  });

  it.each(['DOWN', 'ERROR'] as const)('monitors a connection in %s', async (status) => {
    // Prepare
    t.sim.setConnectionStatus(PROJECT_ID, CONNECTION_ID, status);

    // Act
    const response = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(response.status).toBe(201);
  });

  it('lists monitors, all or by vpn_connection_id, each with its status', async () => {
    // Prepare
    const first = (await t.createMonitor(CONNECTION_ID)).json.connection_monitor as Json;
    await t.createMonitor(SECOND_CONNECTION_ID);

    // Act
    const all = await t.call({ path: MONITORS });
    const filtered = await t.call({
      path: `${MONITORS}?vpn_connection_id=${CONNECTION_ID}&enterprise_project_id=0&enterprise_project_id=all_granted_eps`,
    });
    const none = await t.call({ path: `${MONITORS}?vpn_connection_id=${UNKNOWN_CONNECTION_ID}` });

    // Assess
    expect(all.status).toBe(200);
    expect(all.json.connection_monitors).toHaveLength(2);
    expect(filtered.status).toBe(200);
    expect(filtered.json).toStrictEqual({
      connection_monitors: [{ ...first, status: 'ACTIVE' }],
      request_id: expect.stringMatching(UUID),
    });
    expect(none.json.connection_monitors).toEqual([]);
  });

  it('shows a monitor with its status, and answers 404 VPN.0004 for an unknown one', async () => {
    // Prepare
    const created = (await t.createMonitor(CONNECTION_ID)).json.connection_monitor as Json;

    // Act
    const shown = await t.call({ path: `${MONITORS}/${String(created.id)}` });
    const unknown = await t.call({ path: `${MONITORS}/${UNKNOWN_CONNECTION_ID}` });

    // Assess
    expect(shown.status).toBe(200);
    expect(shown.json.connection_monitor).toStrictEqual({ ...created, status: 'ACTIVE' });
    expect(shown.json.request_id).toBe(shown.headers['x-request-id']);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error_code).toBe('VPN.0004');
  });

  it('deletes with 204 and no body; a second delete answers 400 VPN.0001', async () => {
    // Prepare
    const created = (await t.createMonitor(CONNECTION_ID)).json.connection_monitor as Json;
    const path = `${MONITORS}/${String(created.id)}`;

    // Act
    const deleted = await t.call({ method: 'DELETE', path });
    const again = await t.call({ method: 'DELETE', path });
    const never = await t.call({ method: 'DELETE', path: `${MONITORS}/${UNKNOWN_CONNECTION_ID}` });
    const shown = await t.call({ path });

    // Assess
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(deleted.headers['x-request-id']).toMatch(UUID);
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('VPN.0001');
    expect(never.status).toBe(404);
    expect(shown.status).toBe(404);
    expect(t.sim.monitors()).toEqual([]);
  });

  it('gives a new monitor after a delete, with the same addresses for the same connection', async () => {
    // Prepare
    const first = (await t.createMonitor(CONNECTION_ID)).json.connection_monitor as Json;
    await t.call({ method: 'DELETE', path: `${MONITORS}/${String(first.id)}` });

    // Act
    const second = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(second.status).toBe(201);
    const monitor = second.json.connection_monitor as Json;
    expect(monitor.id).not.toBe(first.id);
    expect(monitor.source_ip).toBe(first.source_ip);
    expect(monitor.destination_ip).toBe(first.destination_ip);
  });

  it('removes the monitor with its connection', async () => {
    // Prepare
    await t.createMonitor(CONNECTION_ID);

    // Act
    const removed = t.sim.removeConnection(PROJECT_ID, CONNECTION_ID);
    const response = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(removed).toBe(true);
    expect(t.sim.monitors()).toEqual([]);
    expect(response.status).toBe(404);
  });

  it('answers 400 VPN.0001 when X-Project-Id does not match the path', async () => {
    // Act
    const response = await t.call({
      path: MONITORS,
      headers: { 'x-project-id': OTHER_PROJECT_ID },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('VPN.0001');
  });

  it('answers 403 APIGW.0310 for a project the simulator does not have', async () => {
    // Act
    const response = await t.createMonitor(CONNECTION_ID, OTHER_PROJECT_ID);

    // Assess
    expect(response.status).toBe(403);
    expect(response.json.error_code).toBe('APIGW.0310');
  });

  it.each([
    ['GET', '/v5/connection-monitors'],
    ['PUT', MONITORS],
    ['POST', `${MONITORS}/${CONNECTION_ID}`],
    ['GET', `/v3/${PROJECT_ID}/connection-monitors`],
    ['GET', `${MONITORS}/${CONNECTION_ID}/extra`],
  ])('answers 404 APIGW.0101 to %s %s', async (method, path) => {
    // Act
    const response = await t.call({ method, path });

    // Assess
    expect(response.status).toBe(404);
    expect(response.json).toStrictEqual({
      error_code: 'APIGW.0101',
      error_msg: expect.any(String),
      request_id: response.headers['x-request-id'],
    });
  });

  it('gives every answer a fresh request id', async () => {
    // Act
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await t.call({ path: MONITORS })).json.request_id),
    );

    // Assess
    expect(new Set(ids).size).toBe(3);
  });
});

describe('Huawei VPN API simulator: VPN connections', () => {
  const CONNECTIONS = `/v5/${PROJECT_ID}/vpn-connection`;
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator({ projects: { [PROJECT_ID]: 450 } });
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it("pages with limit (max 2000) and marker = the creation time of the previous page's last record", async () => {
    // Act
    const pages: Json[] = [];
    let marker: string | undefined;
    do {
      const response = await t.call({
        path:
          marker === undefined
            ? `${CONNECTIONS}?limit=200`
            : `${CONNECTIONS}?limit=200&marker=${encodeURIComponent(marker)}`,
      });
      expect(response.status).toBe(200);
      pages.push(response.json);
      marker = (response.json.page_info as Json).next_marker as string | undefined;
    } while (marker !== undefined);

    // Assess
    expect(pages.map((page) => (page.page_info as Json).current_count)).toEqual([200, 200, 50]);
    expect(pages.every((page) => page.total_count === 450)).toBe(true);
    const ids = pages.flatMap((page) => (page.vpn_connections as Json[]).map((c) => c.id));
    expect(new Set(ids).size).toBe(450);
    expect(ids).toContain(generatedConnectionId(PROJECT_ID, 0));
    expect(pages[0]?.vpn_connections).toContainEqual(
      expect.objectContaining({
        id: expect.any(String),
        name: expect.any(String),
        status: 'ACTIVE',
        vgw_id: expect.any(String),
      }),
    );
    const last = ((pages[0]?.vpn_connections ?? []) as Json[])[199];
    expect(pages[0]?.page_info).toStrictEqual({
      current_count: 200,
      next_marker: last?.created_at,
    });
    expect(pages[2]?.page_info).toStrictEqual({ current_count: 50 });
  });

  it('answers up to 2000 connections on one page when no limit is given, in creation order', async () => {
    // Prepare
    t.sim.addConnection(PROJECT_ID, { id: UNKNOWN_CONNECTION_ID });

    // Act
    const page = await t.call({ path: CONNECTIONS });

    // Assess
    const listed = page.json.vpn_connections as Json[];
    expect(listed).toHaveLength(451);
    expect(listed.at(-1)?.id).toBe(UNKNOWN_CONNECTION_ID);
    const times = listed.map((c) => Date.parse(String(c.created_at)));
    expect(times.every((time, i) => i === 0 || time > (times[i - 1] ?? time))).toBe(true);
    expect(page.json.page_info).toStrictEqual({ current_count: 451 });
  });

  it('honours a small limit, and a marker whose connection was removed meanwhile', async () => {
    // Prepare
    const first = await t.call({ path: `${CONNECTIONS}?limit=2` });
    const marker = (first.json.page_info as Json).next_marker as string;
    const firstListed = first.json.vpn_connections as Json[];
    t.sim.removeConnection(PROJECT_ID, String(firstListed[1]?.id));

    // Act
    const next = await t.call({
      path: `${CONNECTIONS}?limit=2&marker=${encodeURIComponent(marker)}`,
    });

    // Assess
    const nextListed = next.json.vpn_connections as Json[];
    expect(firstListed).toHaveLength(2);
    expect(marker).toBe(firstListed[1]?.created_at);
    expect(nextListed.map((c) => c.id)).toEqual([
      generatedConnectionId(PROJECT_ID, 2),
      generatedConnectionId(PROJECT_ID, 3),
    ]);
    expect(next.json.total_count).toBe(449);
  });

  it('treats limit=0 as the default page size', async () => {
    // Act
    const response = await t.call({ path: `${CONNECTIONS}?limit=0` });

    // Assess
    expect(response.status).toBe(200);
    expect((response.json.page_info as Json).current_count).toBe(450);
  });

  it.each(['2001', 'ten', '-1'])('answers 400 VPN.0001 to limit=%s', async (limit) => {
    // Act
    const response = await t.call({ path: `${CONNECTIONS}?limit=${limit}` });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('VPN.0001');
  });

  it('shows one connection, and answers 404 VPN.0004 for an unknown one', async () => {
    // Prepare
    const id = generatedConnectionId(PROJECT_ID, 7);
    t.sim.setConnectionStatus(PROJECT_ID, id, 'DOWN');

    // Act
    const shown = await t.call({ path: `${CONNECTIONS}/${id}` });
    const unknown = await t.call({ path: `${CONNECTIONS}/${UNKNOWN_CONNECTION_ID}` });

    // Assess
    expect(shown.status).toBe(200);
    expect(shown.json.vpn_connection).toMatchObject({ id, status: 'DOWN' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error_code).toBe('VPN.0004');
  });
});

describe('Huawei VPN API simulator: error format', () => {
  it("answers VPN errors as {code, message} with errorFormat 'code-message', gateway errors unchanged", async () => {
    // Prepare
    const t = await startTestSimulator({ errorFormat: 'code-message' });
    await t.createMonitor(CONNECTION_ID);

    try {
      // Act
      const duplicate = await t.createMonitor(CONNECTION_ID);
      const unsigned = await t.call({
        path: MONITORS,
        afterSigning: (h) => delete h.authorization,
      });

      // Assess
      expect(duplicate.status).toBe(400);
      expect(duplicate.json).toStrictEqual({
        code: 'VPN.0381',
        message: `VPN connection ${CONNECTION_ID} already has connection monitor`,
      });
      expect(duplicate.headers['x-request-id']).toMatch(UUID);
      expect(unsigned.status).toBe(401);
      expect(unsigned.json).toMatchObject({ error_code: 'APIGW.0301' });
    } finally {
      await t.sim.stop();
    }
  });
});
