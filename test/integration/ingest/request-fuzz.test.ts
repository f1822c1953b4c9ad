import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcedId, createTrace, type IngestWorld, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
beforeAll(async () => {
  world = await startIngestWorld();
});
afterAll(async () => {
  await world?.stop();
});

/** One element of a request: a valid event (its id known), or something that is not one. */
type Element = { valid: string; value: unknown } | { valid: undefined; raw: string };

/** Text with, often, the characters SQS refuses (U+FFFE, U+FFFF, controls, a lone surrogate). */
const oddText = fc
  .array(
    fc.oneof(
      fc.constantFrom('\uFFFE', '\uFFFF', '\u0001', '\u001F', '\uD800', '\u{1F600}'),
      fc.string({ unit: 'binary', maxLength: 5 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

const validEvent = fc
  .record({ name: oddText, extra: fc.jsonValue({ maxDepth: 3 }) })
  .map(({ name, extra }): Element => {
    const id = randomUUID();
    return {
      valid: id,
      value: {
        specversion: '1.0',
        id: randomUUID(),
        source: 'HC.VPN',
        type: 'VPN:CloudTrace:ApiCall',
        datacontenttype: 'application/json',
        data: { ...createTrace(id), resource_name: name, extra },
      },
    };
  });

/** `{"a":{"a":...}}`, `depth` levels, as text; objects overflow `JSON.stringify`'s stack. */
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const notAnEvent = fc.oneof(
  fc
    .jsonValue({ maxDepth: 4 })
    .map((value): Element => ({ valid: undefined, raw: JSON.stringify(value) ?? 'null' })),
  fc.constantFrom(65, 1_000, 30_000).map(
    (depth): Element => ({
      valid: undefined,
      raw: `{"specversion":"1.0","deep":${deepObject(depth)}}`,
    }),
  ),
  oddText.map(
    (text): Element => ({ valid: undefined, raw: JSON.stringify({ specversion: '1.0', text }) }),
  ),
);

const element = fc.oneof(
  { weight: 3, arbitrary: validEvent },
  { weight: 2, arbitrary: notAnEvent },
);
const text = (e: Element) => (e.valid === undefined ? e.raw : JSON.stringify(e.value));

/** A request carrying `elements` in one of the forms ingest reads, or a body that is no form. */
const request = fc.oneof(
  element.map((e) => ({ type: 'application/cloudevents+json', body: text(e), elements: [e] })),
  fc.array(element, { maxLength: 12 }).map((es) => ({
    type: 'application/cloudevents-batch+json',
    body: `[${es.map(text).join(',')}]`,
    elements: es,
  })),
  fc.array(element, { maxLength: 12 }).map((es) => ({
    type: 'application/json',
    body: `{"events":[${es.map(text).join(',')}]}`,
    elements: es,
  })),
  fc
    .array(element, { maxLength: 12 })
    .map((es) => ({ type: 'application/json', body: `[${es.map(text).join(',')}]`, elements: es })),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map((body) => ({ type: 'application/json', body, elements: [] as Element[] })),
);

describe('any request body', () => {
  it('is never answered 5xx, and a 200 queues every valid event exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ type, body, elements }) => {
        const response = await fetch(`${world.url}/${world.tokens.current}`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        const answer = (await response.json()) as { received?: number };
        // No dependency fails in this world, so nothing may be a 5xx.
        expect(response.status).toBeLessThan(500);
        const queued = (await world.drain()).map(announcedId);
        const valid = elements.flatMap((e) => (e.valid === undefined ? [] : [e.valid]));
        // Whatever the answer, nothing is queued twice and nothing that was not a valid event.
        expect(new Set(queued).size).toBe(queued.length);
        expect(queued.every((id) => valid.includes(id))).toBe(true);
        // A request that was read at all (its answer counts what it received) queues every valid
        // event, whatever became of the others; a 200 is such a request.
        if (response.status === 200) expect(answer.received).toBeDefined();
        if (answer.received !== undefined) expect(queued.sort()).toEqual([...valid].sort());
      }),
      { numRuns: 150 },
    );
  });
});
