import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionCreatedEvent } from '../../../local/huawei-simulator/index.ts';
import {
  CONNECTION_ID,
  type Json,
  OTHER_PROJECT_ID,
  PROJECT_ID,
  startTestSimulator,
  type TestSimulator,
  UNKNOWN_CONNECTION_ID,
} from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONNECTIONS = `/v5/${PROJECT_ID}/vpn-connection`;
const BATCH = `/v5/${PROJECT_ID}/vpn-connections/batch-create`;
const DOMAIN_ID = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const GATEWAY = {
  vgw_id: '8030f6d6-demo-4d20-a7f8-50a7a826e2f8',
  vgw_ip: 'e4d7930f-demo-4cbf-b78a-b004416c7485',
  cgw_id: '8916effb-demo-42d8-83d7-4517567d3d26',
  peer_subnets: ['192.168.44.0/24'],
  psk: 'a-pre-shared-key-that-must-stay-secret',
};

describe('Huawei VPN API simulator: creating VPN connections', () => {
  let t: TestSimulator;
  let events: ConnectionCreatedEvent[];

  beforeEach(async () => {
    t = await startTestSimulator({ readyAfterMs: 30_000, domainIds: { [PROJECT_ID]: DOMAIN_ID } });
    events = [];
    t.sim.onConnectionCreated((event) => events.push(event));
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it('creates a connection with 201, PENDING_CREATE until readyAfterMs have passed', async () => {
    // Act
    const created = await t.call({
      method: 'POST',
      path: CONNECTIONS,
      body: { vpn_connection: { ...GATEWAY, name: 'to-the-office', style: 'static' } },
    });
    const id = String((created.json.vpn_connection as Json).id);
    const early = await t.call({ path: `${CONNECTIONS}/${id}` });
    const monitorTooEarly = await t.createMonitor(id);
    t.clock.now += 30_000;
    const ready = await t.call({ path: `${CONNECTIONS}/${id}` });

    // Assess: the answer has the SDK's CreateResponseVpnConnection fields, no status, no key
    expect(created.status).toBe(201);
    expect(created.json).toStrictEqual({
      vpn_connection: {
        id: expect.stringMatching(UUID),
        name: 'to-the-office',
        vgw_id: GATEWAY.vgw_id,
        vgw_ip: GATEWAY.vgw_ip,
        style: 'STATIC',
        cgw_id: GATEWAY.cgw_id,
        peer_subnets: GATEWAY.peer_subnets,
        enable_nqa: false,
        created_at: expect.stringMatching(/^2026-06-11T08:00:00\.\d{3}Z$/),
        updated_at: expect.stringMatching(/^2026-06-11T08:00:00\.\d{3}Z$/),
        enterprise_project_id: '0',
        ha_role: 'master',
      },
      request_id: expect.stringMatching(UUID),
    });
    expect(early.json.vpn_connection).toMatchObject({ id, status: 'PENDING_CREATE' });
    expect(monitorTooEarly.status).toBe(409);
    expect(ready.json).toStrictEqual({
      vpn_connection: expect.objectContaining({
        id,
        status: 'ACTIVE',
        updated_at: new Date(t.clock.now).toISOString(),
      }),
      request_id: expect.stringMatching(UUID),
    });
    expect((await t.createMonitor(id)).status).toBe(201);
  });

  it('creates several connections in one batch, and tells a listener about each', async () => {
    // Act
    const batch = await t.call({
      method: 'POST',
      path: BATCH,
      body: { vpn_connections: [GATEWAY, { ...GATEWAY, vgw_ip: 'another-eip-id' }] },
    });

    // Assess
    expect(batch.status).toBe(201);
    const answered = batch.json.vpn_connections as Json[];
    expect(answered.map((c) => c.vgw_ip)).toEqual([GATEWAY.vgw_ip, 'another-eip-id']);
    expect(answered.every((c) => typeof c.name === 'string' && /^vpn-/.test(c.name))).toBe(true);
    expect(t.sim.connections(PROJECT_ID).filter((c) => c.status === 'PENDING_CREATE')).toEqual(
      answered.map((c) => expect.objectContaining({ id: c.id })),
    );
    expect(events.map((e) => [e.via, e.projectId, e.domainId, e.connection.id])).toEqual(
      answered.map((c) => ['batch-create', PROJECT_ID, DOMAIN_ID, c.id]),
    );
    expect(events[0]?.response).toEqual(batch.json);
    expect(events[0]?.request).toEqual(events[1]?.request);
  });

  it('never passes the pre-shared key to a listener or back in an answer', async () => {
    // Act
    const created = await t.call({
      method: 'POST',
      path: CONNECTIONS,
      body: { vpn_connection: GATEWAY },
    });

    // Assess
    expect(created.text).not.toContain(GATEWAY.psk);
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(GATEWAY.psk);
    expect(events[0]).toMatchObject({
      via: 'create',
      request: { vpn_connection: { vgw_id: GATEWAY.vgw_id, psk: '******' } },
      connection: { status: 'PENDING_CREATE' },
    });
  });

  it('tells listeners about control-surface creations, and stops when unsubscribed', async () => {
    // Prepare
    const other: ConnectionCreatedEvent[] = [];
    const unsubscribe = t.sim.onConnectionCreated((event) => other.push(event));

    // Act
    t.sim.addConnection(OTHER_PROJECT_ID, { id: UNKNOWN_CONNECTION_ID, readyAfterMs: 5_000 });
    unsubscribe();
    t.sim.addConnection(PROJECT_ID, '11111111-2222-4333-a444-555555555555');

    // Assess
    expect(events.map((e) => [e.via, e.projectId, e.connection.id, e.connection.status])).toEqual([
      ['control', OTHER_PROJECT_ID, UNKNOWN_CONNECTION_ID, 'PENDING_CREATE'],
      ['control', PROJECT_ID, '11111111-2222-4333-a444-555555555555', 'ACTIVE'],
    ]);
    expect(events[0]?.domainId).toBeUndefined();
    expect(other).toHaveLength(1);
  });

  it('turns a seeded connection with readyAfterMs ACTIVE on the simulator clock', async () => {
    // Prepare
    t.sim.addConnection(PROJECT_ID, { id: UNKNOWN_CONNECTION_ID, readyAfterMs: 5_000 });

    // Act
    const before = await t.createMonitor(UNKNOWN_CONNECTION_ID);
    t.clock.now += 4_999;
    const stillPending = t.sim.connections(PROJECT_ID).find((c) => c.id === UNKNOWN_CONNECTION_ID);
    const statusThen = stillPending?.status;
    t.clock.now += 1;
    const after = await t.createMonitor(UNKNOWN_CONNECTION_ID);

    // Assess
    expect(before.status).toBe(409);
    expect(statusThen).toBe('PENDING_CREATE');
    expect(after.status).toBe(201);
  });

  it('uses the readyAfterMs set at run time for later creations', async () => {
    // Prepare
    t.sim.setReadyAfter(0);

    // Act
    const created = await t.call({
      method: 'POST',
      path: CONNECTIONS,
      body: { vpn_connection: GATEWAY },
    });
    const id = String((created.json.vpn_connection as Json).id);
    const shown = await t.call({ path: `${CONNECTIONS}/${id}` });

    // Assess
    expect(shown.json.vpn_connection).toMatchObject({ status: 'ACTIVE' });
    expect(() => t.sim.setReadyAfter(-1)).toThrow();
  });

  it.each([
    ['no vgw_id', { vpn_connection: { vgw_ip: GATEWAY.vgw_ip, cgw_id: GATEWAY.cgw_id } }],
    ['no body object', { vpn_connections: [GATEWAY] }],
    ['a style Huawei does not have', { vpn_connection: { ...GATEWAY, style: 'ospf' } }],
  ])('answers 400 VPN.0001 to a connection create with %s', async (_label, body) => {
    // Act
    const response = await t.call({ method: 'POST', path: CONNECTIONS, body });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('VPN.0001');
    expect(events).toEqual([]);
  });

  it('creates nothing from a batch with one bad connection, or an empty one', async () => {
    // Act
    const bad = await t.call({
      method: 'POST',
      path: BATCH,
      body: { vpn_connections: [GATEWAY, { vgw_id: GATEWAY.vgw_id }] },
    });
    const empty = await t.call({ method: 'POST', path: BATCH, body: { vpn_connections: [] } });
    const wrongMethod = await t.call({ path: BATCH });

    // Assess
    expect([bad.status, bad.json.error_code]).toEqual([400, 'VPN.0001']);
    expect(String(bad.json.error_msg)).toContain('vpn_connections.1');
    expect([empty.status, empty.json.error_code]).toEqual([400, 'VPN.0001']);
    expect([wrongMethod.status, wrongMethod.json.error_code]).toEqual([404, 'APIGW.0101']);
    expect(t.sim.connections(PROJECT_ID)).toHaveLength(2);
  });
});

describe('Huawei VPN API simulator: connection_monitor_id', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator();
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it('is on a connection while it has a monitor, in list and show, and gone after the delete', async () => {
    // Prepare
    const created = await t.createMonitor(CONNECTION_ID);
    const monitorId = String((created.json.connection_monitor as Json).id);

    // Act
    const listed = await t.call({ path: CONNECTIONS });
    const shown = await t.call({ path: `${CONNECTIONS}/${CONNECTION_ID}` });
    await t.call({ method: 'DELETE', path: `/v5/${PROJECT_ID}/connection-monitors/${monitorId}` });
    const afterDelete = await t.call({ path: `${CONNECTIONS}/${CONNECTION_ID}` });

    // Assess
    const byId = new Map((listed.json.vpn_connections as Json[]).map((c) => [c.id, c]));
    expect(byId.get(CONNECTION_ID)?.connection_monitor_id).toBe(monitorId);
    expect(byId.get(CONNECTION_ID)).toBeDefined();
    expect([...byId.values()].filter((c) => 'connection_monitor_id' in c)).toHaveLength(1);
    expect(shown.json.vpn_connection).toMatchObject({ connection_monitor_id: monitorId });
    expect(afterDelete.json.vpn_connection).not.toHaveProperty('connection_monitor_id');
  });
});
