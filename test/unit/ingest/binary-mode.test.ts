import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvents } from '../../../lib/ingest/decode.ts';
import type { CloudEventJson } from '../../../local/eventgrid/cloud-trace.ts';
import { deliveryRequest } from '../../../local/eventgrid/delivery.ts';

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });

const event = fc.record({
  specversion: fc.constant('1.0' as const),
  id: text,
  source: text,
  type: text,
  time: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  subject: text,
  datacontenttype: fc.constant('application/json' as const),
  data: fc.dictionary(fc.string(), fc.jsonValue()),
});

describe('binary mode, from the EventGrid stand-in to the ingest endpoint', () => {
  it('rebuilds exactly the event that was sent, whatever its attributes hold', () => {
    fc.assert(
      fc.property(event, (sent: CloudEventJson) => {
        // Prepare: percent-encoded ce-* headers, the data as the body
        const { headers, body } = deliveryRequest('binary', [sent]);

        // Act
        const decoded = decodeEvents({
          method: 'POST',
          headers: Object.fromEntries(
            Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
          ),
          pathToken: undefined,
          body: Buffer.from(body, 'utf8'),
        });

        // Assess
        expect(decoded.ok && decoded.mode === 'binary').toBe(true);
        const [queued] = decoded.ok && decoded.mode === 'binary' ? decoded.events : [];
        expect(JSON.parse(queued ?? 'null')).toEqual(JSON.parse(JSON.stringify(sent)));
      }),
      { numRuns: 500 },
    );
  });
});
