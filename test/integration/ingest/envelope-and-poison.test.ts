import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { announcedId, createTrace, type IngestWorld, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
beforeAll(async () => {
  world = await startIngestWorld();
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  await world.drain();
});

const traceEvent = (id: string = randomUUID(), extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'HC.VPN',
  type: 'VPN:CloudTrace:ApiCall',
  datacontenttype: 'application/json',
  data: { ...createTrace(id), ...extra },
});

const post = (contentType: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${world.url}/${world.tokens.current}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });

/** `{"a":{"a":...}}` or `[[...]]`, `depth` levels, as text (no value this deep is ever built). */
const nested = (depth: number, kind: 'object' | 'array') =>
  kind === 'object'
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('EventGrid\'s envelope {"events":[...]}', () => {
  it.each([
    'application/json',
    'application/cloudevents+json',
    'application/cloudevents-batch+json',
  ])(
    'in %s: three events, one invalid: 400 naming it, the two others queued once',
    async (type) => {
      const valid = [randomUUID(), randomUUID()];
      const body = JSON.stringify({
        events: [
          traceEvent(valid[0]),
          { specversion: '1.0', id: 'x', type: 'nothing' },
          traceEvent(valid[1]),
        ],
      });

      const response = await post(`${type}; charset=utf-8`, body);

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        mode: 'envelope',
        received: 3,
        queued: 2,
        rejected: [{ index: 1 }],
      });
      expect((await world.drain()).map(announcedId).sort()).toEqual([...valid].sort());
    },
  );

  it('queues every event of a valid envelope, each as its own message, and answers 200', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const events = ids.map((id) => traceEvent(id));

    const response = await post('application/json', JSON.stringify({ events }));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'envelope', received: 3, queued: 3 });
    const queued = await world.drain();
    expect(queued.map((body) => JSON.parse(body)).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...events].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('answers 400 for an envelope element that is not an object, and queues nothing', async () => {
    const response = await post(
      'application/json',
      JSON.stringify({ events: [traceEvent(), 'text'] }),
    );

    expect(response.status).toBe(400);
    expect(await world.drain()).toEqual([]);
  });
});

describe('poison input is answered 4xx, never 5xx', () => {
  it.each([
    [
      'deep nesting inside a batched element',
      'application/cloudevents-batch+json',
      () => `[${JSON.stringify(traceEvent()).slice(0, -1)},"deep":${nested(20_000, 'object')}}]`,
      {},
    ],
    ['a deeply nested JSON array', 'application/json', () => nested(20_000, 'array'), {}],
    [
      'deep nesting inside an envelope',
      'application/json',
      () => `{"events":[${nested(20_000, 'object')}]}`,
      {},
    ],
    [
      'deep binary-mode data',
      'application/json',
      () => nested(20_000, 'object'),
      {
        'ce-specversion': '1.0',
        'ce-id': 'x',
        'ce-source': 'HC.VPN',
        'ce-type': 'VPN:CloudTrace:ApiCall',
      },
    ],
  ])('%s: 400 and nothing queued', async (_name, type, body, headers) => {
    const response = await post(type, body(), headers);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('deeper than');
    expect(await world.drain()).toEqual([]);
  });

  it('queues, once each, a batched event holding U+FFFE and U+FFFF and the valid one beside it', async () => {
    const odd = randomUUID();
    const plain = randomUUID();
    // The JSON escapes them; re-serialising a batched event writes them raw, which SQS refuses.
    const body = JSON.stringify([
      traceEvent(odd, { resource_name: 'vpn-\uFFFE-\uFFFF-\u0001' }),
      traceEvent(plain),
    ]);

    const response = await post('application/cloudevents-batch+json', body);

    expect(response.status).toBe(200);
    const queued = await world.drain();
    expect(queued.map(announcedId).sort()).toEqual([odd, plain].sort());
    const oddBody = queued.find((b) => announcedId(b) === odd) ?? '';
    expect(JSON.parse(oddBody).data.resource_name).toBe('vpn-\uFFFE-\uFFFF-\u0001');
  });

  it('queues a structured event that carries U+FFFF raw, with the same meaning', async () => {
    const id = randomUUID();
    const event = traceEvent(id, { resource_name: 'vpn-\uFFFF' });

    const response = await post('application/cloudevents+json', JSON.stringify(event));

    expect(response.status).toBe(200);
    const queued = await world.drain();
    expect(queued.map((b) => JSON.parse(b))).toEqual([event]);
  });
});
