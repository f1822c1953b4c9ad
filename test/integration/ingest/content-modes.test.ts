import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CloudEvent, CONSTANTS, HTTP } from 'cloudevents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConnectionCreated } from '../../../lib/events/parse.ts';
import { type LocalSmn, startSmn } from '../../../local/smn/smn.ts';
import {
  announcedId,
  createTrace,
  type IngestWorld,
  PROJECT_ID,
  REGION,
  startIngestWorld,
} from './helpers.ts';

let world: IngestWorld;
let smn: LocalSmn;
beforeAll(async () => {
  smn = await startSmn({ region: REGION });
  world = await startIngestWorld({ env: { HUAWEICLOUD_SMN_ENDPOINT: smn.endpoint } });
});
afterAll(async () => {
  await world?.stop();
  await smn?.stop();
});
beforeEach(async () => {
  await world.drain();
});

const traceEvent = (vpnConnectionId = randomUUID()) =>
  new CloudEvent({
    id: randomUUID(),
    source: 'HC.VPN',
    type: 'VPN:CloudTrace:ApiCall',
    datacontenttype: 'application/json',
    data: createTrace(vpnConnectionId),
  });

/** Sends a message the CloudEvents SDK serialised, with the token in the path. */
const post = (message: { headers: Record<string, unknown>; body: unknown }) =>
  fetch(`${world.url}/${world.tokens.current}`, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });

const createMonitorAccepts = (body: string) =>
  parseConnectionCreated(body, { projectId: PROJECT_ID, region: REGION }).kind === 'connections';

describe('CloudEvents HTTP binding, as the official SDK sends it', () => {
  it('queues a structured-mode event with the request body unchanged', async () => {
    // Prepare
    const event = traceEvent();
    const message = HTTP.structured(event);

    // Act
    const response = await post(message);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'structured', queued: 1, ignored: 0 });
    expect(await world.drain()).toEqual([message.body]);
  });

  it('queues a binary-mode event as one structured event createMonitor reads', async () => {
    const event = traceEvent();
    const message = HTTP.binary(event);
    expect(message.headers['ce-specversion']).toBe('1.0');

    const response = await post(message);

    expect(response.status).toBe(200);
    const queued = await world.drain();
    expect(queued).toHaveLength(1);
    const body = queued[0] ?? '';
    expect(createMonitorAccepts(body)).toBe(true);
    // The SDK reads the queued body back as the same event it sent.
    const readBack = HTTP.toEvent({
      headers: { 'content-type': CONSTANTS.MIME_CE_JSON },
      body,
    }) as CloudEvent;
    expect(readBack.id).toBe(event.id);
    expect(readBack.source).toBe(event.source);
    expect(readBack.type).toBe(event.type);
    expect(readBack.data).toEqual(event.data);
  });

  it('reads a body sent as application/cloudevents+json as structured, even with ce-* headers', async () => {
    const message = HTTP.structured(traceEvent());

    const response = await post({
      headers: { ...message.headers, 'ce-specversion': '1.0', 'ce-id': 'not-this-one' },
      body: message.body,
    });

    expect(response.status).toBe(200);
    expect(await world.drain()).toEqual([message.body]);
  });

  it('queues every event of a batch of 23, in several SendMessageBatch calls, each body one event', async () => {
    const ids = Array.from({ length: 23 }, () => randomUUID());
    const events = ids.map((id) => traceEvent(id));

    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: JSON.stringify(events),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'batched', received: 23, queued: 23 });
    const queued = await world.drain();
    expect(queued.map(announcedId).sort()).toEqual([...ids].sort());
    expect(queued.every(createMonitorAccepts)).toBe(true);
    // Each queued body is a structured event the SDK accepts, as the batch element it was.
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const body of queued) {
      const readBack = HTTP.toEvent({
        headers: { 'content-type': CONSTANTS.MIME_CE_JSON },
        body,
      }) as CloudEvent;
      expect(readBack.data).toEqual(byId.get(readBack.id)?.data);
    }
  });

  it('queues plain JSON that createMonitor reads, and answers an empty batch with nothing queued', async () => {
    const id = randomUUID();
    const plain = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vpn_connection_id: id, project_id: PROJECT_ID, region: REGION }),
    });
    const empty = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: '[]',
    });

    expect(plain.status).toBe(200);
    expect(empty.status).toBe(200);
    expect((await world.drain()).map(announcedId)).toEqual([id]);
  });

  const fixture = (name: string) =>
    readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8');

  it('queues an SMN notification of a CTS key event as received, as SMN sends it', async () => {
    // The fixture's fields, signed by the SMN stand-in as SMN signs them (issue 19).
    const fields = JSON.parse(fixture('smn-cloud-trace.json')) as Record<string, string>;
    const body = JSON.stringify(smn.sign({ ...fields, signing_cert_url: smn.signingCertUrl }));

    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-smn-message-type': 'Notification',
      },
      body,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'smn', queued: 1 });
    expect(await world.drain()).toEqual([body]);
  });

  it.each([
    'ignored/cloudevents-cloud-trace-delete.json',
    'ignored/cloudevents-cloud-trace-create-failed.json',
  ])('acknowledges %s, which announces no connection, and queues nothing', async (name) => {
    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_JSON },
      body: fixture(name),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 1, queued: 0, ignored: 1 });
    expect(await world.drain()).toEqual([]);
  });

  it('queues a batch-create trace once: createMonitor reads every connection from it', async () => {
    const body = fixture('batch/cloudevents-cloud-trace-batch-create.json');

    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_JSON },
      body,
    });

    expect(response.status).toBe(200);
    const queued = await world.drain();
    expect(queued).toEqual([body]);
    const parsed = parseConnectionCreated(body, { projectId: PROJECT_ID, region: REGION });
    expect(parsed.kind === 'connections' && parsed.events.length).toBeGreaterThan(1);
  });
});
