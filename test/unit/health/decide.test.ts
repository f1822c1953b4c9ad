import { describe, expect, it } from 'vitest';
import {
  decideHealth,
  type HealthFacts,
  type HealthFigures,
  type HealthState,
  isNews,
} from '../../../lib/health/index.ts';

const thresholds = {
  degradedLossPercent: 5,
  downLossPercent: 50,
  degradedLatencyMs: 300,
  windowMinutes: 5,
};

const measured = (figures: Partial<HealthFigures>): HealthFacts => ({
  connectionStatus: 'ACTIVE',
  monitorStatus: 'ACTIVE',
  figures: { points: 15, status: 1, lossPercent: 0, latencyMs: 20, ...figures },
});

describe('decideHealth', () => {
  it.each<[string, HealthFacts, HealthState, string]>([
    ['all within thresholds', measured({}), 'healthy', 'within-thresholds'],
    ['loss just under degraded', measured({ lossPercent: 4.99 }), 'healthy', 'within-thresholds'],
    ['loss at degraded', measured({ lossPercent: 5 }), 'degraded', 'loss-above-degraded'],
    ['loss at down', measured({ lossPercent: 50 }), 'down', 'loss-above-down'],
    ['full loss', measured({ lossPercent: 100 }), 'down', 'loss-above-down'],
    ['latency at degraded', measured({ latencyMs: 300 }), 'degraded', 'latency-above-degraded'],
    ['latency under degraded', measured({ latencyMs: 299 }), 'healthy', 'within-thresholds'],
    [
      'loss and latency: loss decides first',
      measured({ lossPercent: 10, latencyMs: 900 }),
      'degraded',
      'loss-above-degraded',
    ],
    ['status not connected', measured({ status: 0 }), 'down', 'not-connected'],
    [
      'not connected wins over fine figures',
      measured({ status: 0, lossPercent: 0 }),
      'down',
      'not-connected',
    ],
    ['status unknown, figures fine', measured({ status: 2 }), 'healthy', 'within-thresholds'],
    ['no point in the window', measured({ points: 0 }), 'no-data', 'no-points'],
    [
      'points but none of the three metrics',
      measured({ status: undefined, lossPercent: undefined, latencyMs: undefined }),
      'no-data',
      'no-points',
    ],
    [
      'no points, and the VPN API says DOWN',
      { ...measured({ points: 0 }), connectionStatus: 'DOWN' },
      'down',
      'connection-down',
    ],
    [
      'monitor not ACTIVE yet',
      { connectionStatus: 'ACTIVE', monitorStatus: 'PENDING_CREATE', figures: undefined },
      'pending',
      'monitor-not-active',
    ],
    [
      'monitor gone',
      { connectionStatus: 'ACTIVE', monitorStatus: undefined, figures: undefined },
      'gone',
      'monitor-gone',
    ],
    [
      'connection gone',
      { connectionStatus: undefined, monitorStatus: 'ACTIVE', figures: undefined },
      'gone',
      'connection-gone',
    ],
  ])('%s', (_, facts, state, reason) => {
    // Act
    const decision = decideHealth(facts, thresholds);

    // Assess
    expect(decision).toEqual({ state, reason });
  });
});

describe('isNews', () => {
  it.each<[HealthState | undefined, HealthState, boolean]>([
    [undefined, 'healthy', false],
    [undefined, 'pending', false],
    [undefined, 'no-data', false],
    [undefined, 'degraded', true],
    [undefined, 'down', true],
    ['healthy', 'healthy', false],
    ['healthy', 'degraded', true],
    ['degraded', 'healthy', true],
    ['pending', 'healthy', true],
    ['healthy', 'gone', true],
    ['down', 'down', false],
  ])('%s -> %s: %s', (previous, next, news) => {
    expect(isNews(previous, next)).toBe(news);
  });
});
