import { describe, expect, it } from 'vitest';
import { ThrottledOutError } from '../../../lib/errors.ts';
import { AdaptivePacer, DEFAULT_PACER_SETTINGS } from '../../../lib/huawei/adaptive-pacer.ts';

const PROJECT = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';

describe('AdaptivePacer', () => {
  it('paces nothing until a confirmed 429, then spaces calls at half the rate they went at', async () => {
    // Prepare
    const pacer = new AdaptivePacer({ ...DEFAULT_PACER_SETTINGS, pauseMs: 1 });
    const burst = async (count: number) => {
      const started: number[] = [];
      await Promise.all(
        Array.from({ length: count }, async () => {
          await pacer.acquire(PROJECT, Date.now() + 5_000);
          started.push(performance.now());
        }),
      );
      return (started.at(-1) ?? 0) - (started[0] ?? 0);
    };
    // Act: 40 calls at once, then Huawei says 429 twice (a limit refuses in clusters)
    const unpaced = await burst(40);
    pacer.observe(PROJECT, 429);
    pacer.observe(PROJECT, 429);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const paced = await burst(6);
    // Assess: 40 calls in two seconds' window is 20 a second; half is 10, 100 ms apart
    expect(unpaced).toBeLessThan(50);
    expect(pacer.rate(PROJECT)).toBe(10);
    expect(paced).toBeGreaterThanOrEqual(5 * 100 - 10);
  });

  it('halves the rate once per pause after 429s and grows it back slowly with successes', async () => {
    // Prepare: 20 calls in the last two seconds, 10 a second
    let now = 1_000_000;
    const pacer = new AdaptivePacer(DEFAULT_PACER_SETTINGS, () => now);
    for (let i = 0; i < 20; i++) await pacer.acquire(PROJECT, now + 1_000);
    // Act: three 429s at once (calls in flight together) count as one signal
    pacer.observe(PROJECT, 429);
    pacer.observe(PROJECT, 429);
    pacer.observe(PROJECT, 429);
    const afterBurst = pacer.rate(PROJECT);
    now += 5_000;
    pacer.observe(PROJECT, 429);
    const afterSecond = pacer.rate(PROJECT);
    for (let i = 0; i < 10; i++) pacer.observe(PROJECT, 201);
    // Assess
    expect(afterBurst).toBe(5);
    expect(afterSecond).toBe(2.5);
    expect(pacer.rate(PROJECT)).toBeCloseTo(2.5 + 10 * 0.03 * (10 / 2.5), 0);
    expect(pacer.rate('another-project')).toBe(DEFAULT_PACER_SETTINGS.maxRate);
  });

  it('lets a lone 429 on an unpaced project slow nobody else', async () => {
    // Prepare: 20 calls in the last two seconds
    let now = 1_000_000;
    const pacer = new AdaptivePacer(DEFAULT_PACER_SETTINGS, () => now);
    for (let i = 0; i < 20; i++) await pacer.acquire(PROJECT, now + 1_000);
    // Act: one 429, then another 1.5 s later (not a cluster), then two within a second
    pacer.observe(PROJECT, 429);
    const afterLone = pacer.rate(PROJECT);
    const nextSlot = pacer.acquire(PROJECT, now);
    now += 1_500;
    pacer.observe(PROJECT, 429);
    const afterSecondLone = pacer.rate(PROJECT);
    now += 500;
    pacer.observe(PROJECT, 429);
    // Assess: the lone ones left the project unpaced and unpaused; the cluster paced it
    expect(afterLone).toBe(DEFAULT_PACER_SETTINGS.maxRate);
    await expect(nextSlot).resolves.toBeUndefined();
    expect(afterSecondLone).toBe(DEFAULT_PACER_SETTINGS.maxRate);
    expect(pacer.rate(PROJECT)).toBeLessThan(DEFAULT_PACER_SETTINGS.maxRate);
  });

  it('makes no call during a pause, and refuses a slot past the deadline', async () => {
    // Prepare: a 429 asked for 60 s
    const pacer = new AdaptivePacer();
    pacer.observe(PROJECT, 429, 60_000);
    // Act
    const refused = pacer.acquire(PROJECT, Date.now() + 1_000);
    // Assess
    await expect(refused).rejects.toBeInstanceOf(ThrottledOutError);
  });
});
