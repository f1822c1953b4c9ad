import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTrace,
  type IngestWorld,
  newToken,
  startIngestWorld,
  TOKEN_SECRET_ID,
} from './helpers.ts';

let world: IngestWorld;
beforeAll(async () => {
  // A short cache, so that a rotation is seen within the test.
  world = await startIngestWorld({ env: { INGEST_TOKEN_CACHE_SECONDS: '1' } });
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  await world.drain();
});

const structured = () =>
  HTTP.structured(
    new CloudEvent({
      id: randomUUID(),
      source: 'HC.VPN',
      type: 'VPN:CloudTrace:ApiCall',
      data: createTrace(),
    }),
  );

const send = (path: string, headers: Record<string, string> = {}) => {
  const message = structured();
  return fetch(`${world.api.endpoint}${path}`, {
    method: 'POST',
    headers: { ...(message.headers as Record<string, string>), ...headers },
    body: message.body as string,
  });
};

describe('the ingest token', () => {
  type Presented = () => { path: string; headers?: Record<string, string> };
  const bearer = (token: string) => ({ path: '/ingest', headers: { authorization: token } });

  it.each<[string, Presented]>([
    ['the current token in the path', () => ({ path: `/ingest/${world.tokens.current}` })],
    ['the previous token in the path', () => ({ path: `/ingest/${world.tokens.previous}` })],
    ['the current token as a bearer token', () => bearer(`Bearer ${world.tokens.current}`)],
    ['the previous token as a bearer token', () => bearer(`bearer ${world.tokens.previous}`)],
  ])('accepts %s', async (_name, presented) => {
    const { path, headers } = presented();
    const response = await send(path, headers);

    expect(response.status).toBe(200);
    expect(await world.drain()).toHaveLength(1);
  });

  it.each<[string, Presented]>([
    ['no token at all', () => ({ path: '/ingest' })],
    ['a wrong token in the path', () => ({ path: `/ingest/${newToken()}` })],
    ['a wrong bearer token', () => bearer(`Bearer ${newToken()}`)],
    [
      'the token with its last character changed',
      () => {
        const token = world.tokens.current;
        return { path: `/ingest/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` };
      },
    ],
    ['a prefix of the token', () => ({ path: `/ingest/${world.tokens.current.slice(0, 31)}` })],
    ['the token with a suffix', () => ({ path: `/ingest/${world.tokens.current}x` })],
    ['the token in another scheme', () => bearer(`Basic ${world.tokens.current}`)],
    ['the token in the query string', () => ({ path: `/ingest?token=${world.tokens.current}` })],
  ])('answers 401 with no detail and queues nothing for %s', async (_name, presented) => {
    const { path, headers } = presented();
    const response = await send(path, headers);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(await world.drain()).toEqual([]);
  });

  it('answers a bad token 401 before looking at the body, whatever the body is', async () => {
    const response = await fetch(`${world.url}/${newToken()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<not json/>'.repeat(200_000),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('follows a rotation: the new token works and the retired one stops working', async () => {
    const old = world.tokens.previous;
    const next = { current: newToken(), previous: world.tokens.current };
    world.secrets.put(TOKEN_SECRET_ID, JSON.stringify(next));

    // Within the cache's lifetime (1 s here, 60 s by default) the secret is read again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const withNew = await send(`/ingest/${next.current}`);
    const withRetired = await send(`/ingest/${old}`);
    const withPrevious = await send(`/ingest/${next.previous}`);

    expect(withNew.status).toBe(200);
    expect(withRetired.status).toBe(401);
    expect(withPrevious.status).toBe(200);
    expect(await world.drain()).toHaveLength(2);
    world.tokens.current = next.current;
    world.tokens.previous = next.previous;
  });
});
