import { describe, expect, it } from 'vitest';
import { createRateLimiter, sendBatchSize } from '../../../lib/replay/copy.ts';
import type { Clock } from '../../../lib/replay/runtime.ts';

/** A clock that only moves when the limiter sleeps: no real time passes. */
const virtualClock = (): Clock & { sleeps: number[] } => {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
};

describe('createRateLimiter', () => {
  it.each([
    { rate: 4, batch: 1 },
    { rate: 4, batch: 2 },
    { rate: 50, batch: 10 },
    { rate: 0.5, batch: 1 },
  ])('spaces batches of $batch so that $rate messages go each second', async ({ rate, batch }) => {
    // Prepare
    const clock = virtualClock();
    const limiter = createRateLimiter(rate, clock);
    const slots: number[] = [];

    // Act
    for (let i = 0; i < 10; i += 1) {
      await limiter.acquire(batch);
      slots.push(clock.now());
    }

    // Assess: the first batch goes at once, each next one batch/rate seconds later
    const first = slots[0] ?? 0;
    expect(first).toBe(1_000_000);
    slots.forEach((slot, i) => {
      expect(slot - first).toBeCloseTo((i * batch * 1000) / rate, 6);
    });
  });

  it('waits for nothing without a rate', async () => {
    // Prepare
    const clock = virtualClock();
    const limiter = createRateLimiter(undefined, clock);

    // Act
    for (let i = 0; i < 100; i += 1) await limiter.acquire(10);

    // Assess
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses, without waiting, a slot past the deadline', async () => {
    // Prepare
    const clock = virtualClock();
    const limiter = createRateLimiter(1, clock);
    await limiter.acquire(1);

    // Act
    const allowed = await limiter.acquire(1, { deadline: clock.now() + 500 });

    // Assess
    expect(allowed).toBe(false);
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses once the signal has fired', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();

    // Act
    const allowed = await createRateLimiter(undefined).acquire(1, { signal: controller.signal });

    // Assess
    expect(allowed).toBe(false);
  });
});

describe('sendBatchSize', () => {
  it.each([
    [undefined, 10],
    [100, 10],
    [20, 10],
    [10, 5],
    [4, 2],
    [1, 1],
    [0.2, 1],
  ])('at %s per second sends batches of %i', (rate, size) => {
    expect(sendBatchSize(rate)).toBe(size);
  });
});
