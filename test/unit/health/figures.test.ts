import { describe, expect, it } from 'vitest';
import {
  batchQueryOf,
  connectionsPerCall,
  figuresFrom,
  MAX_METRICS_PER_CALL,
  MAX_POINTS_PER_CALL,
  metricNamesOf,
} from '../../../lib/health/index.ts';

describe('connectionsPerCall', () => {
  it.each([
    // 500 metrics a call, 5 points each = 2500 <= 3000: 166 connections of 3 metrics
    [5, 3, 166],
    // 6 points a metric: 500 x 6 = 3000, still 500 metrics
    [6, 3, 166],
    // 10 points: 300 metrics fit in 3000 points
    [10, 3, 100],
    [60, 3, 16],
    [1, 3, 166],
  ])('a %i-minute window with %i metrics each: %i connections', (minutes, metrics, expected) => {
    expect(connectionsPerCall(minutes, metrics)).toBe(expected);
  });

  it('never asks for more metrics or points than Cloud Eye answers in one call', () => {
    for (let minutes = 1; minutes <= 60; minutes += 1) {
      const metrics = connectionsPerCall(minutes, 3) * 3;
      expect(metrics).toBeLessThanOrEqual(MAX_METRICS_PER_CALL);
      expect(metrics * minutes).toBeLessThanOrEqual(MAX_POINTS_PER_CALL);
    }
  });
});

describe('batchQueryOf', () => {
  it('asks for each connection the status, loss and latency of SYS.VPN, raw, averaged', () => {
    const query = batchQueryOf(['c1', 'c2'], 'tunnel', 5, 1_700_000_000_000);

    expect(query).toMatchObject({
      from: 1_700_000_000_000 - 300_000,
      to: 1_700_000_000_000,
      period: '1',
      filter: 'average',
    });
    expect(query.metrics).toHaveLength(6);
    expect(query.metrics[1]).toEqual({
      namespace: 'SYS.VPN',
      metric_name: 'tunnel_packet_loss_rate',
      dimensions: [{ name: 'evpn_connection_id', value: 'c1' }],
    });
    expect(metricNamesOf('link')).toEqual([
      'connection_status',
      'link_packet_loss_rate',
      'link_average_latency',
    ]);
  });
});

describe('figuresFrom', () => {
  const dims = (id: string) => [{ name: 'evpn_connection_id', value: id }];

  it('averages loss and latency over the window and takes the latest status', () => {
    const figures = figuresFrom(
      [
        {
          metric_name: 'link_packet_loss_rate',
          dimensions: dims('c1'),
          datapoints: [
            { timestamp: 1, average: 10 },
            { timestamp: 2, average: 20 },
          ],
        },
        {
          metric_name: 'link_average_latency',
          dimensions: dims('c1'),
          datapoints: [{ timestamp: 1, average: 33.333 }],
        },
        {
          metric_name: 'connection_status',
          dimensions: dims('c1'),
          datapoints: [
            { timestamp: 2, average: 0 },
            { timestamp: 1, average: 1 },
          ],
        },
        { metric_name: 'link_packet_loss_rate', dimensions: dims('other'), datapoints: [] },
      ],
      ['c1', 'c2'],
      'link',
    );

    expect(figures.get('c1')).toEqual({ points: 5, lossPercent: 15, latencyMs: 33.33, status: 0 });
    expect(figures.get('c2')).toEqual({
      points: 0,
      lossPercent: undefined,
      latencyMs: undefined,
      status: undefined,
    });
    expect(figures.has('other')).toBe(false);
  });

  it('ignores null or missing values and another source', () => {
    const figures = figuresFrom(
      [
        {
          metric_name: 'link_packet_loss_rate',
          dimensions: dims('c1'),
          datapoints: [{ timestamp: 1, average: null }, { timestamp: 2 }],
        },
        {
          metric_name: 'tunnel_packet_loss_rate',
          dimensions: dims('c1'),
          datapoints: [{ timestamp: 1, average: 50 }],
        },
        { metric_name: 'connection_status', dimensions: dims('c1'), datapoints: null },
      ],
      ['c1'],
      'link',
    );

    expect(figures.get('c1')?.lossPercent).toBeUndefined();
  });
});
