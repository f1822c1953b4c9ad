/**
 * How long the ingest endpoint takes to check a token, by how the presented token relates to
 * the valid one: right, wrong in its first or last character, a prefix, another length. A
 * comparison that stops at the first differing byte shows a gap between "first" and "last";
 * digests compared with `timingSafeEqual` should not.
 *
 *   npx --no -- node bench/ingest/token-compare.ts [--rounds 15] [--calls 20000]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createTokenVerifier } from '../../lib/ingest/tokens.ts';
import { median, now } from '../lib/stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    calls: { type: 'string', default: '20000' },
  },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);

const token = randomBytes(36).toString('base64url');
const other = (position: number) =>
  `${token.slice(0, position)}${token[position] === 'A' ? 'B' : 'A'}${token.slice(position + 1)}`;
const candidates: Record<string, string> = {
  'the valid token': token,
  'first character wrong': other(0),
  'last character wrong': other(token.length - 1),
  'a prefix (half)': token.slice(0, token.length / 2),
  'much longer (1 KiB)': `${token}${'x'.repeat(1024)}`,
  'one character': 'x',
};

const verifier = createTokenVerifier({
  secretId: 'bench',
  readSecret: async () =>
    JSON.stringify({ current: token, previous: randomBytes(36).toString('base64url') }),
  cacheTtlMs: 3_600_000,
  // A miss reads the secret again at most this often: never, within the benchmark.
  minRefreshIntervalMs: 3_600_000,
});
await verifier.verify([token]);

const names = Object.keys(candidates);
const perCall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let round_ = 0; round_ < rounds; round_++) {
  // Interleaved, so drift (JIT, frequency, neighbours) touches every candidate alike.
  for (const name of names) {
    const candidate = [candidates[name] ?? ''];
    const start = now();
    for (let i = 0; i < calls; i++) await verifier.verify(candidate);
    perCall[name]?.push(((now() - start) * 1e6) / calls);
  }
}
const width = Math.max(...names.map((n) => n.length));
console.log(`token check, median of ${rounds} rounds of ${calls} calls (ns per call):`);
for (const name of names) {
  console.log(`  ${name.padEnd(width)}  ${Math.round(median(perCall[name] ?? [0]))}`);
}
