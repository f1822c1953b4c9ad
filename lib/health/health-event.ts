import { createHash } from 'node:crypto';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { HealthSettings } from '../config/index.ts';
import type { VpnTarget } from '../huawei/index.ts';
import { describeFailure } from '../reconcile/index.ts';
import type { HealthDecision, HealthFigures, HealthState } from './decide.ts';

/** The `DetailType` of a health change; `schemas/vpn-connection-health-changed.json` describes it. */
const HEALTH_CHANGED_DETAIL_TYPE = 'VPN Connection Health Changed';

/** What one change of a connection's state is: the facts an event about it carries. */
interface HealthChange {
  target: VpnTarget;
  connectionId: string;
  /** The account (accounts document) the project belongs to. */
  account: string | undefined;
  monitorId: string | undefined;
  /** `undefined` the first time the connection is seen. */
  previous: HealthState | undefined;
  decision: HealthDecision;
  figures: HealthFigures | undefined;
  settings: HealthSettings;
  /** The change's number for this connection: 1 for its first state, then one more per change. */
  version: number;
  decidedAt: string;
}

/**
 * The `detail` of a "VPN Connection Health Changed" event. Its `event_id` is UUID-shaped, from
 * project, connection and `version`: a republished event carries the same id.
 */
export const healthChangedDetail = (c: HealthChange) => {
  const h = createHash('sha256')
    .update(`${c.target.projectId}/${c.connectionId}/health/${c.version}`)
    .digest('hex');
  const { thresholds: t } = c.settings;
  return {
    event_id: `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`,
    vpn_connection_id: c.connectionId,
    project_id: c.target.projectId,
    region: c.target.region,
    account: c.account ?? null,
    connection_monitor_id: c.monitorId ?? null,
    previous_state: c.previous ?? null,
    state: c.decision.state,
    reason: c.decision.reason,
    figures:
      c.figures === undefined
        ? null
        : {
            points: c.figures.points,
            loss_percent: c.figures.lossPercent ?? null,
            latency_ms: c.figures.latencyMs ?? null,
            connection_status: c.figures.status ?? null,
            metric_source: c.settings.metricSource,
          },
    thresholds: {
      degraded_loss_percent: t.degradedLossPercent,
      down_loss_percent: t.downLossPercent,
      degraded_latency_ms: t.degradedLatencyMs,
      window_minutes: t.windowMinutes,
    },
    version: c.version,
    decided_at: c.decidedAt,
  };
};

/** The `detail` of a "VPN Connection Health Changed" event. */
export type HealthChangedDetail = ReturnType<typeof healthChangedDetail>;

/** Where health events go. */
export interface HealthBus {
  client: EventBridgeClient;
  eventBusName: string;
  source: string;
}

/** EventBridge's most entries in one `PutEvents`. */
const MAX_ENTRIES_PER_CALL = 10;

/**
 * Publishes events (their `detail` as JSON), ten a call. Answers which were taken, by index, and
 * the first reason one was not: an entry EventBridge refused, or a call that failed, is left for
 * the next run (its state keeps it pending).
 */
export const publishHealthEvents = async (
  bus: HealthBus,
  details: readonly string[],
): Promise<{ published: Set<number>; failure?: string }> => {
  const published = new Set<number>();
  let failure: string | undefined;
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
      .catch((error: unknown) => {
        failure ??= `PutEvents to bus ${bus.eventBusName} failed: ${describeFailure(error)}`;
        return undefined;
      });
    batch.forEach((_, i) => {
      const entry = out?.Entries?.[i];
      if (entry?.EventId && !entry.ErrorCode) published.add(at + i);
      else if (out !== undefined)
        failure ??=
          `EventBridge refused an event on bus ${bus.eventBusName}: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim();
    });
  }
  return failure === undefined ? { published } : { published, failure };
};
