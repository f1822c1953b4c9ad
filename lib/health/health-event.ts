import { createHash } from 'node:crypto';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { MetricSource } from './cloud-eye.ts';
import type { HealthFigures, HealthReason, HealthState, HealthThresholds } from './decide.ts';

/** The `DetailType` of a health change; `schemas/vpn-connection-health-changed.json` describes it. */
const HEALTH_CHANGED_DETAIL_TYPE = 'VPN Connection Health Changed';

/** The `detail` of a "VPN Connection Health Changed" event. */
export interface HealthChangedDetail {
  /** Stable per connection and change (`version`): a republished event carries the same id. */
  event_id: string;
  vpn_connection_id: string;
  project_id: string;
  region: string;
  /** The account (accounts document) the project belongs to. */
  account: string | null;
  connection_monitor_id: string | null;
  /** `null` the first time the connection is seen. */
  previous_state: HealthState | null;
  state: HealthState;
  reason: HealthReason;
  figures: {
    points: number;
    loss_percent: number | null;
    latency_ms: number | null;
    connection_status: number | null;
    metric_source: MetricSource;
  } | null;
  thresholds: {
    degraded_loss_percent: number;
    down_loss_percent: number;
    degraded_latency_ms: number;
    window_minutes: number;
  };
  /** The change's number for this connection: 1 for its first state, then one more per change. */
  version: number;
  decided_at: string;
}

/** A UUID-shaped id from project, connection and change number. */
export const healthEventId = (projectId: string, connectionId: string, version: number): string => {
  const h = createHash('sha256')
    .update(`${projectId}/${connectionId}/health/${version}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The figures as an event carries them. */
export const eventFigures = (
  figures: HealthFigures | undefined,
  source: MetricSource,
): HealthChangedDetail['figures'] =>
  figures === undefined
    ? null
    : {
        points: figures.points,
        loss_percent: figures.lossPercent ?? null,
        latency_ms: figures.latencyMs ?? null,
        connection_status: figures.status ?? null,
        metric_source: source,
      };

/** The thresholds as an event carries them. */
export const eventThresholds = (t: HealthThresholds): HealthChangedDetail['thresholds'] => ({
  degraded_loss_percent: t.degradedLossPercent,
  down_loss_percent: t.downLossPercent,
  degraded_latency_ms: t.degradedLatencyMs,
  window_minutes: t.windowMinutes,
});

/** Where health events go. */
export interface HealthBus {
  client: EventBridgeClient;
  eventBusName: string;
  source: string;
}

/** EventBridge's most entries in one `PutEvents`. */
const MAX_ENTRIES_PER_CALL = 10;

/**
 * Publishes events (their `detail` as JSON), ten a call. Answers which were taken, by index;
 * an entry EventBridge refused, or a call that failed, is left for the next run (its state
 * keeps it pending).
 */
export const publishHealthEvents = async (
  bus: HealthBus,
  details: readonly string[],
): Promise<Set<number>> => {
  const published = new Set<number>();
  for (let at = 0; at < details.length; at += MAX_ENTRIES_PER_CALL) {
    const batch = details.slice(at, at + MAX_ENTRIES_PER_CALL);
    const out = await bus.client
      .send(
        new PutEventsCommand({
          Entries: batch.map((detail) => ({
            EventBusName: bus.eventBusName,
            Source: bus.source,
            DetailType: HEALTH_CHANGED_DETAIL_TYPE,
            Detail: detail,
          })),
        }),
      )
      // A call that failed leaves its events pending in their records, for the next run.
      .catch(() => undefined);
    batch.forEach((_, i) => {
      const entry = out?.Entries?.[i];
      if (entry?.EventId && !entry.ErrorCode) published.add(at + i);
    });
  }
  return published;
};
