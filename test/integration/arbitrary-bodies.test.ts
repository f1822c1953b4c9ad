import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_SHAPES, connectionCreatedBody } from '../../local/seed-events.ts';
import { PROJECT_ID, REGION, sqsRecord, startWorld, type World } from './harness.ts';

let world: World;

beforeAll(async () => {
  // A well-formed id Huawei does not know is given up at once (no grace period to wait out), so
  // every body ends within the run: handled, or in the DLQ with a reason.
  world = await startWorld({ NOT_FOUND_GRACE_SECONDS: '0' });
});

afterAll(async () => {
  await world?.stop();
});

const TOTAL = 10_000;

// SQS only carries non-empty bodies of these characters; anything else never reaches a Lambda.
// (SQS also allows U+10000 and above; fauxqs does not, so the bodies stay below.)
const SQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]+$/u;

/** Bodies a queue might carry: garbage, JSON of any shape, and real shapes with arbitrary ids. */
const bodies = (known: string[]) =>
  fc
    .oneof(
      {
        arbitrary: fc
          .string({ unit: 'binary', maxLength: 300 })
          .map((b) => ({ body: b, known: false })),
        weight: 3,
      },
      { arbitrary: fc.json({ maxDepth: 4 }).map((b) => ({ body: b, known: false })), weight: 3 },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom(...BODY_SHAPES),
            fc.oneof(fc.string(), fc.uuid(), fc.constantFrom('../x', '%2e%2e', 'a?b=c#d')),
          )
          .map(([shape, id]) => ({
            body: connectionCreatedBody(shape, {
              vpnConnectionId: id,
              projectId: PROJECT_ID,
              region: REGION,
            }),
            known: false,
          })),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(...BODY_SHAPES), fc.constantFrom(...known))
          .map(([shape, id]) => ({
            body: connectionCreatedBody(shape, {
              vpnConnectionId: id,
              projectId: PROJECT_ID,
              region: REGION,
            }),
            known: true,
          })),
        weight: 1,
      },
    )
    .filter(({ body }) => SQS_BODY.test(body));

describe('10,000 arbitrary message bodies', () => {
  it('never crash the handler: each ends handled, or in the DLQ with a reason', async () => {
    // Prepare
    const known = Array.from({ length: 50 }, () => world.newConnection());
    const samples = fc.sample(bodies(known), { numRuns: TOTAL, seed: 20261126 });
    const unknownIds = samples.filter((s) => !s.known).length;
    // Act: in batches of ten, as Lambda delivers them
    const failures: string[] = [];
    for (let i = 0; i < samples.length; i += 10) {
      const records = samples
        .slice(i, i + 10)
        .map((s) => sqsRecord(s.body, { messageId: randomUUID() }));
      const response = await world.invoke(records);
      failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
    }
    const dlq = await world.drainDlq();
    // Assess: nothing left for redelivery (no transient faults here), everything accounted for
    expect(failures).toEqual([]);
    const monitored = new Set(world.huawei.monitors(PROJECT_ID).map((m) => m.vpn_connection_id));
    const usedKnown = new Set(samples.filter((s) => s.known).map((s) => JSON.stringify(s.body)));
    expect(usedKnown.size).toBeGreaterThan(0);
    expect(dlq.length + samples.filter((s) => s.known).length).toBe(TOTAL);
    expect(dlq.length).toBe(unknownIds);
    for (const message of dlq) {
      expect(['invalid-input', 'rejected']).toContain(message.reason?.kind);
      expect(String(message.reason?.message ?? '')).not.toBe('');
    }
    for (const id of known) {
      if (samples.some((s) => s.known && s.body.includes(id))) expect(monitored.has(id)).toBe(true);
    }
  }, 300_000);
});
