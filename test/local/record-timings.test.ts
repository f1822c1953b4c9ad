import { describe, expect, it } from 'vitest';
import { timingBreakdown } from '../../local/record-timings.ts';

const call = (connectionId: string, startedAt: number, endedAt: number, fault?: string) => ({
  operation: 'create',
  connectionId,
  startedAt,
  endedAt,
  outcome: fault === undefined ? 201 : 500,
  fault,
  rateLimited: false,
});

describe('timingBreakdown', () => {
  it('splits a connection that needed two deliveries into phases that add up to its latency', () => {
    // Prepare: created at 0, queued at 10, a first delivery at 30 that failed (a 500), the
    // second at 2 030 with two calls, its event on the bus at 2 130
    const delivery = (startedAt: number) => ({
      connectionIds: ['c1'],
      sentAt: 10,
      receiveCount: 1,
      startedAt,
      endedAt: startedAt + 100,
    });
    // Act
    const t = timingBreakdown({
      createdAt: new Map([['c1', 0]]),
      publishedAt: new Map([['c1', 2_130]]),
      deliveries: [delivery(30), delivery(2_030)],
      huawei: [call('c1', 40, 50, '500'), call('c1', 2_050, 2_060), call('c1', 2_100, 2_110)],
      dynamoDb: [{ operation: 'PutItem', breaker: false, startedAt: 30, endedAt: 35 }],
    });
    // Assess
    const phases = Object.fromEntries(Object.entries(t.phases).map(([k, v]) => [k, v.median]));
    expect(phases).toEqual({
      ingest: 10,
      queue: 20,
      redelivery: 2_000,
      beforeHuawei: 20,
      huaweiCalls: 20,
      betweenCalls: 40,
      publish: 20,
    });
    expect(t.total.median).toBe(2_130);
    expect(t.redelivered).toBe(1);
    expect(t.huaweiFaults).toEqual({ '500': 1 });
    expect(t.dynamoDb).toEqual({ 'idempotency PutItem': { count: 1, median: 5, p99: 5 } });
  });

  it('counts from the queue when a connection has no creation time (messages sent directly)', () => {
    // Act
    const t = timingBreakdown({
      createdAt: new Map(),
      publishedAt: new Map([['c2', 150]]),
      deliveries: [
        { connectionIds: ['c2'], sentAt: 100, receiveCount: 1, startedAt: 120, endedAt: 160 },
      ],
      huawei: [call('c2', 125, 135)],
      dynamoDb: [],
    });
    // Assess
    expect(t.total.median).toBe(50);
    expect(t.phases.ingest.median).toBe(0);
    expect(t.phases.queue.median).toBe(20);
    expect(t.phases.publish.median).toBe(15);
  });
});
