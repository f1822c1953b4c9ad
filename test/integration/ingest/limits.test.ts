import { randomUUID } from 'node:crypto';
import { CloudEvent, CONSTANTS, HTTP } from 'cloudevents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { announcedId, createTrace, type IngestWorld, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
beforeAll(async () => {
  world = await startIngestWorld({ env: { INGEST_MAX_BODY_BYTES: String(64 * 1024) } });
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  await world.drain();
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${world.url}/${world.tokens.current}`, { method: 'POST', headers, body });

const event = (data: Record<string, unknown> = createTrace()) =>
  new CloudEvent({ id: randomUUID(), source: 'HC.VPN', type: 'VPN:CloudTrace:ApiCall', data });

describe('what the endpoint refuses', () => {
  it('answers 413 to a body over INGEST_MAX_BODY_BYTES and queues nothing', async () => {
    const big = HTTP.structured(event({ ...createTrace(), padding: 'x'.repeat(70 * 1024) }));

    const response = await post(big.body as string, big.headers as Record<string, string>);

    expect(response.status).toBe(413);
    expect(await world.drain()).toEqual([]);
  });

  it.each([
    ['text/xml', '<event/>'],
    ['application/x-www-form-urlencoded', 'a=b'],
    ['application/octet-stream', '{}'],
  ])('answers 415 to Content-Type %s', async (type, body) => {
    const response = await post(body, { 'content-type': type });

    expect(response.status).toBe(415);
    expect(((await response.json()) as { message: string }).message).toContain(
      'application/cloudevents+json',
    );
  });

  it('answers 415 to a binary-mode event whose data is not JSON', async () => {
    const message = HTTP.binary(
      new CloudEvent({
        id: randomUUID(),
        source: 'HC.VPN',
        type: 'VPN:CloudTrace:ApiCall',
        datacontenttype: 'text/plain',
        data: 'hello',
      }),
    );

    const response = await post(String(message.body), message.headers as Record<string, string>);

    expect(response.status).toBe(415);
    expect(await world.drain()).toEqual([]);
  });

  it.each([
    [CONSTANTS.MIME_CE_JSON, '{"specversion":"1.0",', 'not JSON'],
    [CONSTANTS.MIME_CE_JSON, '[1,2]', 'must be a JSON object'],
    [CONSTANTS.MIME_CE_BATCH, '{"specversion":"1.0"}', 'JSON array'],
    [CONSTANTS.MIME_CE_BATCH, '[{"specversion":"1.0"}, 7]', 'element 1'],
  ])('answers 400 with the reason to a malformed %s body', async (type, body, reason) => {
    const response = await post(body, { 'content-type': type });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(reason);
    expect(await world.drain()).toEqual([]);
  });

  it('answers 400 naming the invalid events of a batch, and queues the valid ones', async () => {
    const good = randomUUID();
    const batch = [
      event(createTrace(good)),
      event({ ...createTrace(), resource_id: 'not-an-id', response: '{}' }),
    ];

    const response = await post(JSON.stringify(batch), { 'content-type': CONSTANTS.MIME_CE_BATCH });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { rejected: { index: number; reason: string }[] };
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]?.index).toBe(1);
    expect(body.rejected[0]?.reason).toContain('resource_id');
    expect((await world.drain()).map(announcedId)).toEqual([good]);
  });

  it('answers 404 on another path and another method, as API Gateway routes only POST', async () => {
    const get = await fetch(`${world.url}/${world.tokens.current}`);
    const elsewhere = await fetch(`${world.api.endpoint}/other/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_JSON },
      body: '{}',
    });

    expect(get.status).toBe(404);
    expect(elsewhere.status).toBe(404);
  });
});
