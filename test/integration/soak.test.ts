import { describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../../local/pipeline.ts';

describe('soak through the local event source mapping', () => {
  it('keeps one monitor and one event per connection under duplicates and transient faults', async () => {
    // Act: 400 messages, 20% duplicates, 30% of Huawei requests faulted (429s among them)
    const { summary } = await runLocalPipeline({
      events: 400,
      duplicateRate: 0.2,
      faultRate: 0.3,
      invalidRate: 0.02,
      seed: 7,
      batchSize: 10,
      concurrency: 2,
      maxReceiveCount: 5,
      // The stress mix: 429s at random too, beside the rate limit's own
      random429: true,
    });
    // Assess
    expect(summary.faultsInjected).toBeGreaterThan(50);
    expect(summary.monitors).toBe(summary.uniqueConnections);
    expect(summary.duplicateMonitors).toBe(0);
    expect(summary.connectionsWithoutEvent).toBe(0);
    expect(summary.lostConnections).toBe(0);
    expect(summary.duplicateEvents).toBe(0);
    expect(summary.eventsPublished).toBe(summary.uniqueConnections);
    // every message is accounted for: an event, a duplicate absorbed, or a DLQ entry with a reason
    expect(summary.dlqTotal).toBe(summary.invalidSent + summary.unknownConnectionsSent);
    expect(Object.keys(summary.dlq).every((reason) => !reason.startsWith('moved by SQS'))).toBe(
      true,
    );
  }, 120_000);
});
