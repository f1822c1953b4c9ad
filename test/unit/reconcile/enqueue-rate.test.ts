import { describe, expect, it } from 'vitest';
import { spreadDelaySeconds } from '../../../lib/reconcile/reconcile.ts';

describe('spreadDelaySeconds', () => {
  it('makes 20,000 connections visible at the configured rate, up to SQS’s 15 minutes', () => {
    // Act: a first reconcile of 20,000 connections at 20 a second
    const delays = Array.from({ length: 20_000 }, (_, i) => spreadDelaySeconds(i, 20));
    // Assess: 20 become visible each second; past 15 minutes the rest wait the longest delay
    const perSecond = new Map<number, number>();
    for (const delay of delays) perSecond.set(delay, (perSecond.get(delay) ?? 0) + 1);
    expect(perSecond.get(0)).toBe(20);
    expect(perSecond.get(899)).toBe(20);
    expect(Math.max(...delays)).toBe(900);
    expect(spreadDelaySeconds(5, undefined)).toBe(0);
  });
});
