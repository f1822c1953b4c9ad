import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudEvent, CONSTANTS } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';
import { announcedId, createTrace, type IngestWorld, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
beforeAll(async () => {
  // A real refusal by the emulator: the function sends to a queue whose MaximumMessageSize is 2 KiB.
  world = await startIngestWorld({
    target: async (sqs) => {
      const client = new SQSClient({
        endpoint: sqs.endpoint,
        region: sqs.region,
        credentials: LOCAL_CREDENTIALS,
      });
      await client.send(
        new CreateQueueCommand({
          QueueName: 'small-messages',
          Attributes: { MaximumMessageSize: '2048' },
        }),
      );
      client.destroy();
      return { queueUrl: `${sqs.endpoint}/000000000000/small-messages` };
    },
  });
});
afterAll(async () => {
  await world?.stop();
});

const traceEvent = (id: string, padding = '') =>
  new CloudEvent({
    id: randomUUID(),
    source: 'HC.VPN',
    type: 'VPN:CloudTrace:ApiCall',
    data: { ...createTrace(id), resource_name: `vpn${padding}` },
  });

// Issue 19 changed this answer from 502 to 400: a refusal for content fails on every retry, and
// each retry queued the other events again. The event is now named, and the rest queued once.
describe("when SQS refuses a message as the sender's fault", () => {
  it('answers 400 naming that event, and the other events are queued once', async () => {
    const small = [randomUUID(), randomUUID()];

    const response = await fetch(`${world.url}/${world.tokens.current}`, {
      method: 'POST',
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: JSON.stringify([
        traceEvent(small[0] ?? ''),
        traceEvent(randomUUID(), 'x'.repeat(4_000)),
        traceEvent(small[1] ?? ''),
      ]),
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      queued: number;
      rejected: { index: number; reason: string }[];
    };
    expect(body.queued).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, reason: expect.stringMatching(/^SQS refused the event: InvalidParameterValue/) },
    ]);
    expect((await world.drain()).map(announcedId).sort()).toEqual([...small].sort());
  });
});
