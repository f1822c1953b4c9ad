import { setTimeout as sleep } from 'node:timers/promises';
import { ThrottledOutError } from '../errors.ts';

/** The production settings: unpaced until a 429, then half the rate seen, growing 3% a second. */
export const DEFAULT_PACER_SETTINGS = {
  /** The slowest the pacer goes, calls a second. */
  minRate: 0.2,
  /** At this rate the pacer stops spacing calls: until the first 429, calls are not paced. */
  maxRate: 200,
  /** Added to the rate per success (times 10 / rate below 10 a second): +3% a second. */
  increasePerSuccess: 0.03,
  /** The rate is multiplied by this after a 429 (once per pause). */
  decrease: 0.5,
  /**
   * How long every call to the project waits after a 429 without `Retry-After`: Huawei's FAQ
   * advises retrying throttled calls after 2 to 5 seconds.
   */
  pauseMs: 2_000,
};

/** How the pacer adapts. */
export type PacerSettings = typeof DEFAULT_PACER_SETTINGS;

/** Call starts remembered per project, to know the rate a 429 came at. */
const RECENT_CALLS = 64;

interface Lane {
  rate: number;
  /** Start times of the latest calls, oldest first. */
  recent: number[];
  /** Epoch ms the next call may start at. */
  nextAt: number;
  /** No call starts before this, after a 429. */
  pausedUntil: number;
  lastThrottledAt: number;
}

/** Below this rate (calls a second) the rate grows by a constant amount a second. */
const SLOW_RATE = 10;

/** A second 429 this soon after another confirms a limit on an unpaced project. */
const CONFIRM_WITHIN_MS = 1_000;

/** Pacing stops this many pauses after the last 429 (30 s by default). */
const FORGET_AFTER_PAUSES = 15;

/**
 * Keeps a container's Huawei calls under Huawei's rate limit, per project, without knowing
 * it. Calls are not paced until Huawei answers 429 twice within a second; then they are spaced
 * at half the rate they were going at (after a pause), a rate that grows slowly with each
 * success and halves after another 429 (additive increase, multiplicative decrease, as TCP
 * does); 15 pauses (30 s) without a 429 and calls are unpaced again. Huawei's limit is a rate,
 * so the pacer controls the rate, not the calls in flight: at 20 ms a call, one in flight is
 * already 50 a second. A container keeps what it learned for its next invocations; each
 * container settles near its share, so the fleet's rate settles near the limit.
 */
export class AdaptivePacer {
  readonly #lanes = new Map<string, Lane>();
  readonly #settings: PacerSettings;
  readonly #now: () => number;

  public constructor(settings: PacerSettings = DEFAULT_PACER_SETTINGS, now = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  /** The current rate for `key`, calls a second (for logs and benchmarks). */
  public rate(key: string): number {
    return this.#lane(key).rate;
  }

  /**
   * Waits for `key`'s next slot. Throws {@link ThrottledOutError} when the slot comes after
   * `deadline` or the signal fires first: the record is then postponed, not failed.
   */
  public async acquire(key: string, deadline: number, signal?: AbortSignal): Promise<void> {
    const lane = this.#lane(key);
    for (;;) {
      const now = this.#now();
      const at = Math.max(now, lane.nextAt, lane.pausedUntil);
      if (at > deadline || signal?.aborted) {
        throw new ThrottledOutError(
          "Huawei's rate limit leaves no room for this call before the invocation ends; the record is postponed",
          { retryAt: at },
        );
      }
      lane.nextAt = lane.rate >= this.#settings.maxRate ? at : at + 1000 / lane.rate;
      lane.recent.push(at);
      if (lane.recent.length > RECENT_CALLS) lane.recent.shift();
      if (at <= now) return;
      await sleep(at - now, undefined, signal ? { signal } : {}).catch(() => undefined);
      // A 429 seen while we slept starts a pause: wait it out too.
      if (this.#now() >= lane.pausedUntil) return;
    }
  }

  /** Learns from an answer: a 429 slows the project down, anything else speeds it up. */
  public observe(key: string, status: number, retryAfterMs?: number): void {
    const lane = this.#lane(key);
    const s = this.#settings;
    const now = this.#now();
    if (status !== 429) {
      // Long without a 429: whatever limited us has gone; stop pacing.
      const forgotten = now - lane.lastThrottledAt > s.pauseMs * FORGET_AFTER_PAUSES;
      // Below 10 calls a second the rate grows by a constant 0.3 calls a second each second
      // (an additive increase in time), above it by 3% a second.
      const step = s.increasePerSuccess * Math.max(1, SLOW_RATE / lane.rate);
      lane.rate = forgotten ? s.maxRate : Math.min(s.maxRate, lane.rate + step);
      return;
    }
    // A lone 429 on an unpaced project may be a fluke of Huawei's gateway, not its limit: only
    // the refused call waits (its retry backs off); the other records carry on unslowed. A
    // limit answers in clusters (every call over the bucket is refused), so a second 429 within
    // a second confirms it, as does a `Retry-After` or a project already paced.
    const confirmed =
      retryAfterMs !== undefined ||
      lane.rate < s.maxRate ||
      now - lane.lastThrottledAt <= CONFIRM_WITHIN_MS;
    lane.lastThrottledAt = now;
    if (!confirmed) return;
    if (now >= lane.pausedUntil) {
      // Unpaced until now: start from the rate the calls were really going at. The refused call
      // may be the lane's first: never start below one call a second.
      const from = lane.rate >= s.maxRate ? Math.max(2, this.#recentRate(lane, now)) : lane.rate;
      lane.rate = Math.max(s.minRate, from * s.decrease);
    }
    const pause = retryAfterMs ?? s.pauseMs * (0.75 + Math.random() / 2);
    lane.pausedUntil = Math.max(lane.pausedUntil, now + pause);
    // The slots handed out before are void: the waiting calls queue again after the pause.
    lane.nextAt = lane.pausedUntil;
  }

  /**
   * Calls a second started over the last two seconds (over the span of the remembered calls
   * when they all fall in it), at least one: the call that was refused is one of them.
   */
  #recentRate(lane: Lane, now: number): number {
    const since = now - 2_000;
    const inWindow = lane.recent.filter((at) => at > since).length;
    if (inWindow < lane.recent.length || lane.recent.length < RECENT_CALLS) {
      return Math.max(1, inWindow / 2);
    }
    const oldest = lane.recent[0] ?? now;
    return Math.max(1, (lane.recent.length * 1000) / Math.max(1, now - oldest));
  }

  #lane(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = {
        rate: this.#settings.maxRate,
        recent: [],
        nextAt: 0,
        pausedUntil: 0,
        lastThrottledAt: 0,
      };
      this.#lanes.set(key, lane);
    }
    return lane;
  }
}
