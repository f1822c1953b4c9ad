import { afterEach, describe, expect, it, vi } from 'vitest';
import { type HealthSummary, recordHealthMetrics } from '../../../lib/health/index.ts';
import { createMetrics } from '../../../lib/metrics.ts';

const counts = {
  connectionsSeen: 3,
  checked: 3,
  byState: { healthy: 1, degraded: 1, down: 0, 'no-data': 1, pending: 0, gone: 0 },
  changes: 1,
  lostRaces: 0,
  eventsPublished: 1,
  eventsPending: 0,
  cloudEyeCalls: 1,
};

const summary: HealthSummary = {
  dryRun: false,
  startedAt: '2026-12-07T14:00:00.000Z',
  durationMs: 10,
  total: { ...counts, targetsFailed: 0 },
  targets: [
    {
      projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
      region: 'cn-north-4',
      ...counts,
      connections: [
        {
          connectionId: 'c1',
          monitorId: 'm1',
          state: 'healthy',
          figures: { points: 15, lossPercent: 0, latencyMs: 20, status: 1 },
        },
        {
          connectionId: 'c2',
          monitorId: 'm2',
          state: 'degraded',
          figures: { points: 15, lossPercent: 12.5, latencyMs: 40, status: 1 },
        },
        { connectionId: 'c3', monitorId: 'm3', state: 'no-data', figures: { points: 0 } },
      ],
    },
  ],
};

/** The EMF documents Powertools writes while `act` runs. */
const emitted = (act: () => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((text: unknown) => {
    lines.push(String(text));
  });
  try {
    act();
  } finally {
    spy.mockRestore();
    log.mockRestore();
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('recordHealthMetrics', () => {
  it('counts connections by state, and emits each figure of each connection with its dimension when asked', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = createMetrics();

    // Act
    const documents = emitted(() => {
      recordHealthMetrics(metrics, summary, true);
      metrics.publishStoredMetrics();
    });

    // Assess
    const perConnection = documents.filter((d) => 'vpn_connection_id' in d);
    expect(
      perConnection.map((d) => [
        d.vpn_connection_id,
        d.ConnectionPacketLoss ?? null,
        d.ConnectionLatency ?? null,
      ]),
    ).toEqual([
      ['c1', 0, null],
      ['c1', null, 20],
      ['c2', 12.5, null],
      ['c2', null, 40],
    ]);
    const totals = documents.find((d) => 'ConnectionsHealthy' in d);
    expect(totals).toMatchObject({
      service: 'vpn-monitor-provisioner',
      ConnectionsHealthy: 1,
      ConnectionsDegraded: 1,
      ConnectionsNoData: 1,
      HealthEventsPublished: 1,
      CloudEyeCalls: 1,
    });
  });

  it('emits no per-connection metric unless the user opted in', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = createMetrics();
    const documents = emitted(() => {
      recordHealthMetrics(metrics, summary, false);
      metrics.publishStoredMetrics();
    });
    expect(documents.filter((d) => 'vpn_connection_id' in d)).toEqual([]);
    expect(documents.some((d) => 'ConnectionsHealthy' in d)).toBe(true);
  });
});
