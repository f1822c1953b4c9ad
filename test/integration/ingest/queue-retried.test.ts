import { randomUUID } from 'node:crypto';
import { CloudEvent, CONSTANTS } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlakySqs, startFlakySqs } from './flaky-sqs.ts';
import { announcedId, createTrace, type IngestWorld, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
let flaky: FlakySqs;
beforeAll(async () => {
  world = await startIngestWorld({
    // Every SQS call of the function goes through the proxy.
    target: async (sqs) => {
      flaky = await startFlakySqs(sqs.endpoint);
      // The AWS SDK sends to the queue URL's host, so the queue URL names the proxy too.
      return {
        endpoint: flaky.endpoint,
        queueUrl: sqs.queueUrl.replace(sqs.endpoint, flaky.endpoint),
      };
    },
  });
});
afterAll(async () => {
  await world?.stop();
  await flaky?.stop();
});

const traceEvent = (id: string) =>
  new CloudEvent({
    id: randomUUID(),
    source: 'HC.VPN',
    type: 'VPN:CloudTrace:ApiCall',
    data: createTrace(id),
  });

describe('when SQS fails part of a batch for its own reasons', () => {
  it('sends again only the entries that failed, and answers 200 once all are queued', async () => {
    // Prepare
    const ids = Array.from({ length: 12 }, () => randomUUID());
    for (const id of [ids[2], ids[7], ids[11]]) flaky.failOnceWhenBodyHas(id ?? '');

    // Act
    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: JSON.stringify(ids.map(traceEvent)),
    });

    // Assess
    expect(response.status).toBe(200);
    // Each connection queued exactly once: the accepted entries were not sent again.
    const queued = (await world.drain(world.sqs.queueUrl)).map(announcedId);
    expect(queued.sort()).toEqual([...ids].sort());
    // 12 events: batches of 10 and 2 (sent together), then the 3 failed entries once more.
    const [first, second, retry, ...more] = flaky.batches();
    expect([first, second].sort()).toEqual([10, 2].sort());
    expect(retry).toBe(3);
    expect(more).toEqual([]);
  });

  it('keeps each SendMessageBatch within 256 KiB, whatever the number of events', async () => {
    // Prepare: four events of about 90 KiB each: two fit in one call, three do not
    const before = flaky.batches().length;
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const events = ids.map(
      (id) =>
        new CloudEvent({
          id: randomUUID(),
          source: 'HC.VPN',
          type: 'VPN:CloudTrace:ApiCall',
          data: { ...createTrace(id), resource_name: 'x'.repeat(90 * 1024) },
        }),
    );

    // Act
    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: JSON.stringify(events),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(flaky.batches().slice(before)).toEqual([2, 2]);
    expect((await world.drain(world.sqs.queueUrl)).map(announcedId).sort()).toEqual(ids.sort());
  });

  it("never sends again an entry SQS refused as the sender's fault: names it, queues the others once", async () => {
    const before = flaky.batches().length;
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const refused = ids[3] ?? '';
    const transient = ids[1] ?? '';
    flaky.refuseWhenBodyHas(refused);
    flaky.failOnceWhenBodyHas(transient);

    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: JSON.stringify(ids.map(traceEvent)),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      queued: 4,
      rejected: [{ index: 3, reason: expect.stringContaining('InvalidMessageContents') }],
    });
    // One call with all five, then only the entry SQS failed for its own reasons.
    expect(flaky.batches().slice(before)).toEqual([5, 1]);
    const queued = (await world.drain(world.sqs.queueUrl)).map(announcedId);
    expect(queued.sort()).toEqual(ids.filter((id) => id !== refused).sort());
  });
});
