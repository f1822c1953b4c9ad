import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../lib/errors.ts';
import { createTokenVerifier } from '../../../lib/ingest/tokens.ts';

const CURRENT = 'current-token-for-tests-0123456789abcdef';
const PREVIOUS = 'previous-token-for-tests-0123456789abcdef';

/** A secret store with a clock the test moves, counting reads. */
const store = (value: unknown) => {
  const state = { value: JSON.stringify(value), reads: 0, now: 0, down: false };
  const verifier = createTokenVerifier({
    secretId: 'ingest-token',
    readSecret: async () => {
      state.reads++;
      if (state.down) throw new Error('Secrets Manager is unreachable');
      return state.value;
    },
    cacheTtlMs: 60_000,
    minRefreshIntervalMs: 5_000,
    now: () => state.now,
  });
  return { state, verifier };
};

describe('createTokenVerifier', () => {
  it('accepts the current and the previous token, and nothing else', async () => {
    const { verifier } = store({ current: CURRENT, previous: PREVIOUS });

    expect(await verifier.verify([CURRENT])).toBe(true);
    expect(await verifier.verify([PREVIOUS])).toBe(true);
    expect(await verifier.verify([`${CURRENT}x`])).toBe(false);
    expect(await verifier.verify([CURRENT.slice(1)])).toBe(false);
    expect(await verifier.verify([''])).toBe(false);
    expect(await verifier.verify([])).toBe(false);
  });

  it('compares tokens of any length without throwing (the digests have one length)', async () => {
    const { verifier } = store({ current: CURRENT });

    // timingSafeEqual throws on buffers of different lengths; digests never differ in length.
    for (const candidate of ['a', 'x'.repeat(10_000), '\u{1F600}'.repeat(40)]) {
      expect(await verifier.verify([candidate])).toBe(false);
    }
  });

  it('refuses a retired previous token 5 s after the last read, not at the end of the cache lifetime', async () => {
    const { state, verifier } = store({ current: CURRENT, previous: PREVIOUS });
    expect(await verifier.verify([PREVIOUS])).toBe(true);
    const reads = state.reads;

    // The rotation retires PREVIOUS; the cache (60 s) still holds it.
    const NEXT = 'next-token-for-tests-0123456789abcdefghij';
    state.value = JSON.stringify({ current: NEXT, previous: CURRENT });
    state.now = 4_999;
    const withinRefreshInterval = await verifier.verify([PREVIOUS]);
    state.now = 5_000;
    const afterRefreshInterval = await verifier.verify([PREVIOUS]);
    state.now = 6_000;
    const again = await verifier.verify([PREVIOUS]);

    expect(withinRefreshInterval).toBe(true);
    expect(afterRefreshInterval).toBe(false);
    expect(again).toBe(false);
    // One more read for the retired token, rate-limited like unknown tokens: none at 6 s.
    expect(state.reads).toBe(reads + 1);
    expect(await verifier.verify([NEXT])).toBe(true);
    expect(await verifier.verify([CURRENT])).toBe(true);
  });

  it('does not read the secret again for the current token within the cache lifetime', async () => {
    const { state, verifier } = store({ current: CURRENT, previous: PREVIOUS });

    for (const now of [0, 10_000, 30_000, 59_999]) {
      state.now = now;
      expect(await verifier.verify([CURRENT])).toBe(true);
    }

    expect(state.reads).toBe(1);
  });

  it('reads the secret once per cache lifetime, and again after it', async () => {
    const { state, verifier } = store({ current: CURRENT });

    await verifier.verify([CURRENT]);
    await verifier.verify([CURRENT]);
    state.now = 59_000;
    await verifier.verify([CURRENT]);
    expect(state.reads).toBe(1);
    state.now = 60_000;
    await verifier.verify([CURRENT]);
    expect(state.reads).toBe(2);
  });

  it('on a token that matches nothing, reads a rotated secret at most once per 5 s', async () => {
    const { state, verifier } = store({ current: CURRENT });
    await verifier.verify([CURRENT]);
    const rotated = 'rotated-token-for-tests-0123456789abcdef';
    state.value = JSON.stringify({ current: rotated, previous: CURRENT });

    // Just read: a miss does not read again.
    expect(await verifier.verify([rotated])).toBe(false);
    state.now = 5_000;
    expect(await verifier.verify([rotated])).toBe(true);
    // A flood of bad tokens costs one read per interval, not one per request.
    for (let i = 0; i < 100; i++) await verifier.verify([`wrong-${i}`]);
    expect(state.reads).toBe(2);
  });

  it.each([
    ['not JSON', 'not json'],
    ['no current token', { previous: PREVIOUS }],
    ['a token under 32 characters', { current: 'short' }],
  ])(
    'fails with a ConfigurationError that does not quote the secret when it holds %s',
    async (_n, value) => {
      const { state, verifier } = store({});
      state.value = typeof value === 'string' ? value : JSON.stringify(value);

      const error = await verifier.verify([CURRENT]).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConfigurationError);
      expect(String((error as Error).message)).not.toContain(PREVIOUS);
      expect(String((error as Error).message)).toContain('ingest-token');
    },
  );

  it('keeps the tokens it read while Secrets Manager is unreachable, and fails without any', async () => {
    const { state, verifier } = store({ current: CURRENT, previous: PREVIOUS });
    await verifier.verify([CURRENT]);
    state.down = true;
    state.now = 120_000;

    expect(await verifier.verify([CURRENT])).toBe(true);
    expect(await verifier.verify([PREVIOUS])).toBe(true);
    expect(await verifier.verify(['never-a-token-0123456789abcdef0123'])).toBe(false);

    const cold = store({ current: CURRENT });
    cold.state.down = true;
    await expect(cold.verifier.verify([CURRENT])).rejects.toThrow('unreachable');
  });
});
