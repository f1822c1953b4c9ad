import { describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../../../local/pipeline.ts';

describe('npm start through EventGrid, SMN and the ingest endpoint', () => {
  it('gives every connection created in the simulator its monitor, each hop counted', async () => {
    const { summary } = await runLocalPipeline({
      events: 80,
      duplicateRate: 0.1,
      faultRate: 0.1,
      invalidRate: 0.02,
      seed: 20261201,
      batchSize: 10,
      concurrency: 2,
      maxReceiveCount: 3,
      viaEventGrid: true,
      createRatePerSecond: 100,
    });

    const path = summary.ingestPath;
    expect(path).toBeDefined();
    expect(path?.connectionsCreated).toBe(summary.uniqueConnections);
    // Every event EventGrid or SMN was given reached the queue through the endpoint: EventGrid
    // in every mode, SMN signed, after its signed subscription confirmation was confirmed.
    expect((path?.eventGrid.delivered ?? 0) + (path?.smn.notifications ?? 0)).toBe(
      summary.uniqueConnections + summary.duplicatesSent,
    );
    expect(path?.eventGrid.deadLettered).toBe(0);
    expect(Object.values(path?.eventGrid.byMode ?? {}).every((n) => n > 0)).toBe(true);
    expect(path?.smn.confirmation).toBe(200);
    expect(path?.smn.notifications).toBeGreaterThan(0);
    expect(path?.smn.byStatus).toEqual({ 200: path?.smn.notifications });
    expect(path?.ingest.byStatus[200]).toBe(
      (path?.eventGrid.requests ?? 0) + (path?.smn.notifications ?? 0) + 1,
    );
    // One monitor per connection, none lost, and the time to it measured for each.
    expect(summary.monitors).toBe(summary.uniqueConnections);
    expect(summary.duplicateMonitors).toBe(0);
    expect(summary.lostConnections).toBe(0);
    expect(path?.monitored).toBe(summary.uniqueConnections);
    expect(path?.latencyMs?.p99).toBeGreaterThanOrEqual(path?.latencyMs?.median ?? 0);
  });
});
