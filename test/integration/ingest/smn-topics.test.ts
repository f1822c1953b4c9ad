import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSmn, startSmn } from '../../../local/smn/smn.ts';
import { createTrace, type IngestWorld, REGION, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
let ours: LocalSmn;
let theirs: LocalSmn;
beforeAll(async () => {
  ours = await startSmn({ region: REGION });
  // Another topic, signed by a stand-in of its own: the topic is checked before anything is fetched.
  theirs = await startSmn({
    region: REGION,
    topicUrn: `urn:smn:${REGION}:${'f'.repeat(32)}:other`,
  });
  world = await startIngestWorld({
    env: { HUAWEICLOUD_SMN_ENDPOINT: ours.endpoint, SMN_TOPIC_URNS: ours.topicUrn },
  });
});
afterAll(async () => {
  await world?.stop();
  await ours?.stop();
  await theirs?.stop();
});

const trace = (id: string) => JSON.stringify(createTrace(id));

describe('SMN_TOPIC_URNS', () => {
  it('queues a signed notification from an allowed topic', async () => {
    const id = randomUUID();

    const response = await ours.deliver(
      `${world.url}/${world.tokens.current}`,
      ours.notification(trace(id)),
    );

    expect(response.status).toBe(200);
    expect(
      (await world.drain()).map((body) => JSON.parse(JSON.parse(body).message).resource_id),
    ).toEqual([id]);
  });

  it('refuses a validly signed notification and confirmation from another topic, fetching nothing', async () => {
    const url = `${world.url}/${world.tokens.current}`;
    const before = { ours: ours.fetched().length, theirs: theirs.fetched().length };

    const notification = await theirs.deliver(url, theirs.notification(trace(randomUUID())));
    const confirmation = await theirs.deliver(url, theirs.confirmation());

    expect([notification.status, confirmation.status]).toEqual([403, 403]);
    expect(((await notification.json()) as { message: string }).message).toContain(
      'SMN_TOPIC_URNS',
    );
    expect(await world.drain()).toEqual([]);
    expect(ours.fetched().length).toBe(before.ours);
    expect(theirs.fetched().length).toBe(before.theirs);
  });
});
