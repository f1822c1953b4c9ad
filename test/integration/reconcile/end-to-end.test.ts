import { describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../../../local/pipeline.ts';

describe('reconcile on the local stack, end to end', () => {
  it('leaves connections that never had an event monitored after one run and the queue', async () => {
    // Prepare and act: 450 connections exist with no event at all; the reconcile Lambda runs
    // once, then the event source mapping drains the queue through createMonitor
    const { summary } = await runLocalPipeline({
      events: 40,
      duplicateRate: 0.1,
      faultRate: 0.05,
      invalidRate: 0,
      seed: 42,
      batchSize: 10,
      concurrency: 4,
      maxReceiveCount: 3,
      existingConnections: 450,
      reconcile: true,
    });

    // Assess
    expect(summary.reconcile).toMatchObject({
      connectionsSeen: 450,
      pages: 3,
      enqueued: 450,
      targetsFailed: 0,
    });
    expect(summary.existingConnections).toBe(450);
    expect(summary.existingMonitored).toBe(450);
    expect(summary.duplicateMonitors).toBe(0);
    expect(summary.lostConnections).toBe(0);
  });
});
