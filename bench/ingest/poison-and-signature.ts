/**
 * What issue 19's checks cost the ingest endpoint per request: the nesting scan every body
 * goes through, the escaping every queued event goes through, and the check of an SMN
 * message's signature (the certificate already fetched, as in a warm container).
 *
 *   npx --no -- tsx bench/ingest/poison-and-signature.ts [--rounds 9] [--calls 2000]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { escapeForSqs, jsonDepth } from '../../lib/ingest/poison.ts';
import { createSmnVerifier } from '../../lib/ingest/smn-signature.ts';
import { startSmn } from '../../local/smn/smn.ts';
import { median, now } from '../lib/stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    calls: { type: 'string', default: '2000' },
  },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);

const trace = (name: string) =>
  JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: 'HC.VPN',
    type: 'VPN:CloudTrace:ApiCall',
    data: {
      trace_name: 'createVpnConnection',
      resource_id: randomUUID(),
      resource_name: name,
      response: JSON.stringify({ vpn_connection: { id: randomUUID() } }),
    },
  });
const batchOf10 = `[${Array.from({ length: 10 }, () => trace('vpn-1')).join(',')}]`;
const oneMiB = `[${Array.from({ length: Math.ceil(1_048_576 / trace('x').length) }, () => trace('x')).join(',')}]`;
const plain = trace('vpn-1');
const odd = trace('vpn-\uFFFE-\uFFFF-\u{1F600}');

const smn = await startSmn({ region: 'cn-north-4' });
const policy = { regions: ['cn-north-4'], endpointOverride: smn.endpoint };
const verifier = createSmnVerifier(policy, (url, init) => fetch(url, init));
const message = smn.notification(trace('vpn-1'), 'CTS key event');
const signed = { type: 'Notification', fields: message };
if (!(await verifier.check(signed)).ok) throw new Error('the stand-in signature did not verify');

const cases: Record<string, { calls: number; run: () => unknown }> = {
  'jsonDepth, a batch of 10 events': { calls, run: () => jsonDepth(batchOf10) },
  'jsonDepth, a 1 MiB body': { calls: Math.max(1, calls / 100), run: () => jsonDepth(oneMiB) },
  'JSON.parse, the same 1 MiB body (for scale)': {
    calls: Math.max(1, calls / 100),
    run: () => JSON.parse(oneMiB),
  },
  'escapeForSqs, an event without odd characters': {
    calls,
    run: () => escapeForSqs(plain),
  },
  'escapeForSqs, an event with U+FFFE, U+FFFF, an emoji': { calls, run: () => escapeForSqs(odd) },
  'SMN signature check (RSA-2048, certificate cached)': {
    calls,
    run: () => verifier.check(signed),
  },
};
const names = Object.keys(cases);
const perCall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < rounds; round++) {
  for (const name of names) {
    const c = cases[name];
    if (c === undefined) continue;
    const start = now();
    for (let i = 0; i < c.calls; i++) await c.run();
    perCall[name]?.push(((now() - start) * 1e3) / c.calls);
  }
}
await smn.stop();
const width = Math.max(...names.map((n) => n.length));
console.log(`ingest checks, median of ${rounds} rounds (µs per call):`);
for (const name of names) {
  console.log(`  ${name.padEnd(width)}  ${median(perCall[name] ?? [0]).toFixed(1)}`);
}
console.log(
  `  (a batch of 10 is ${batchOf10.length} bytes; the large body ${oneMiB.length} bytes)`,
);
