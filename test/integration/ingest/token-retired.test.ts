import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../local/aws/loopback.ts';
import {
  createTrace,
  type IngestWorld,
  newToken,
  startIngestWorld,
  TOKEN_SECRET_ID,
} from './helpers.ts';

let world: IngestWorld;
beforeAll(async () => {
  // The default cache of 60 s: a retired token must not live as long as it.
  world = await startIngestWorld({ env: { INGEST_TOKEN_CACHE_SECONDS: '60' } });
});
afterAll(async () => {
  await world?.stop();
});

const send = (token: string) =>
  fetch(`${world.url}/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      source: 'HC.VPN',
      type: 'VPN:CloudTrace:ApiCall',
      data: createTrace(),
    }),
  });

describe('a retired token', () => {
  it('is refused once 5 s have passed since the secret was last read, within the 60 s cache', async () => {
    const retired = world.tokens.previous;
    expect((await send(retired)).status).toBe(200);

    // The rotation's last step: previous emptied. The cache still holds the old secret.
    world.secrets.put(
      TOKEN_SECRET_ID,
      JSON.stringify({ current: world.tokens.current, previous: '' }),
    );
    // Past the 5 s minimum between reads (not a timing assertion: the wait only lets it pass).
    await sleep(5_100);

    expect((await send(retired)).status).toBe(401);
    expect((await send(world.tokens.current)).status).toBe(200);
    expect((await send(newToken())).status).toBe(401);
    expect(await world.drain()).toHaveLength(2);
  });
});
