import { createServer } from 'node:http';
import { type CloudEventV1, HTTP } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionCreated } from '../../../lib/events/parse.ts';
import { readBody } from '../../../local/aws/aws-json-protocol.ts';
import { closeServer, listenOnLoopback } from '../../../local/aws/loopback.ts';
import { attachEventGrid } from '../../../local/eventgrid/attach.ts';
import { startEventGrid } from '../../../local/eventgrid/event-grid.ts';
import {
  type Json,
  PROJECT_ID,
  startTestSimulator,
  type TestSimulator,
} from '../huawei-simulator/helpers.ts';

const GATEWAY = {
  vgw_id: '8030f6d6-demo-4d20-a7f8-50a7a826e2f8',
  vgw_ip: 'e4d7930f-demo-4cbf-b78a-b004416c7485',
  cgw_id: '8916effb-demo-42d8-83d7-4517567d3d26',
  peer_subnets: ['192.168.44.0/24'],
  psk: 'a-pre-shared-key-that-must-stay-secret',
};

/** A webhook that reads each request with the official CloudEvents SDK. */
const received: { events: CloudEventV1<unknown>[]; bodies: string[] } = { events: [], bodies: [] };
const server = createServer((request, response) => {
  void readBody(request).then((body) => {
    const read = HTTP.toEvent({ headers: request.headers, body });
    received.events.push(...(Array.isArray(read) ? read : [read]));
    received.bodies.push(body);
    response.writeHead(200);
    response.end();
  });
});

let t: TestSimulator;
let webhookUrl: string;
beforeAll(async () => {
  webhookUrl = await listenOnLoopback(server);
  t = await startTestSimulator({ readyAfterMs: 30_000 });
});
afterAll(async () => {
  await t?.sim.stop();
  await closeServer(server);
});

describe('EventGrid attached to the Huawei simulator', () => {
  it('sends the CTS trace of each create and batch create through the API, without the pre-shared key', async () => {
    // Prepare
    const eventGrid = startEventGrid({ webhookUrl, mode: 'binary' });
    const detach = attachEventGrid(t.sim, eventGrid);

    // Act
    const one = await t.call({
      method: 'POST',
      path: `/v5/${PROJECT_ID}/vpn-connection`,
      body: { vpn_connection: GATEWAY },
    });
    const batch = await t.call({
      method: 'POST',
      path: `/v5/${PROJECT_ID}/vpn-connections/batch-create`,
      body: { vpn_connections: [GATEWAY, { ...GATEWAY, vgw_ip: 'another-eip-id' }] },
    });
    await eventGrid.idle();
    detach();

    // Assess: one trace for the create, one for the batch create
    const single = (one.json.vpn_connection as Json).id;
    const batched = (batch.json.vpn_connections as Json[]).map((c) => c.id);
    expect(received.events.map((e) => (e.data as Json).trace_name)).toEqual([
      'createVpnConnection',
      'batchCreateVpnConnection',
    ]);
    expect(received.events.every((e) => e.source === 'HC.VPN')).toBe(true);
    expect(received.bodies.join('\n')).not.toContain(GATEWAY.psk);
    // createMonitor's parser reads each, rebuilt in structured form, as the connections created.
    const announced = received.events.map((event) => {
      const parsed = parseConnectionCreated(JSON.stringify(event), { region: 'cn-north-4' });
      return parsed.kind === 'connections' ? parsed.events.map((e) => e.vpnConnectionId) : [];
    });
    expect(announced).toEqual([[single], batched]);
  });
});
