import type { HealthSettings } from '../config/index.ts';

/**
 * A connection's health, decided from facts alone: what the VPN API lists (the connection,
 * its monitor's status) and what Cloud Eye measured in the window. Pure, so the table of
 * cases in its test is the whole specification.
 */

/** Every state a monitored connection can be in; the events and the dashboard use these names. */
export const HEALTH_STATES = ['healthy', 'degraded', 'down', 'no-data', 'pending', 'gone'] as const;
/**
 * `healthy`, `degraded`, `down`: decided from the figures; `no-data`: the monitor is active but
 * Cloud Eye has no point in the window; `pending`: the monitor exists but is not `ACTIVE` yet;
 * `gone`: the connection or its monitor no longer exists (reported once, then forgotten).
 */
export type HealthState = (typeof HEALTH_STATES)[number];

/** Why a state was decided: the figure or fact that decided it. */
export type HealthReason =
  | 'within-thresholds'
  | 'loss-above-degraded'
  | 'latency-above-degraded'
  | 'loss-above-down'
  | 'not-connected'
  | 'connection-down'
  | 'no-points'
  | 'monitor-not-active'
  | 'monitor-gone'
  | 'connection-gone';

/** What Cloud Eye measured for one connection over the window. */
export interface HealthFigures {
  /** Data points read, all metrics together; 0 is no data. */
  points: number;
  /** Mean packet loss over the window, percent. */
  lossPercent?: number | undefined;
  /** Mean round-trip latency over the window, milliseconds. */
  latencyMs?: number | undefined;
  /** The latest `connection_status` point: 0 not connected, 1 connected, 2 unknown. */
  status?: number | undefined;
}

/** The facts about one connection at the time of a run. */
export interface HealthFacts {
  /** The connection's status in the VPN API's listing; `undefined` when it is no longer listed. */
  connectionStatus: string | undefined;
  /** Its monitor's status; `undefined` when it has no monitor (any more). */
  monitorStatus: string | undefined;
  /** What Cloud Eye measured; `undefined` when it was not asked (no active monitor). */
  figures: HealthFigures | undefined;
}

/** A decided state, with its reason. */
export type HealthDecision = { state: HealthState; reason: HealthReason };

/** `connection_status` 0: the tunnel is not connected. */
const NOT_CONNECTED = 0;

/** Decides one connection's state from its facts and the thresholds. */
export const decideHealth = (
  facts: HealthFacts,
  thresholds: HealthSettings['thresholds'],
): HealthDecision => {
  if (facts.connectionStatus === undefined) return { state: 'gone', reason: 'connection-gone' };
  if (facts.monitorStatus === undefined) return { state: 'gone', reason: 'monitor-gone' };
  if (facts.monitorStatus !== 'ACTIVE') return { state: 'pending', reason: 'monitor-not-active' };
  const figures = facts.figures;
  if (figures === undefined || figures.points === 0) {
    // The VPN API already knows the tunnel is down even when Cloud Eye has nothing yet.
    return facts.connectionStatus === 'DOWN'
      ? { state: 'down', reason: 'connection-down' }
      : { state: 'no-data', reason: 'no-points' };
  }
  if (figures.status === NOT_CONNECTED) return { state: 'down', reason: 'not-connected' };
  const loss = figures.lossPercent;
  if (loss !== undefined && loss >= thresholds.downLossPercent)
    return { state: 'down', reason: 'loss-above-down' };
  if (loss !== undefined && loss >= thresholds.degradedLossPercent)
    return { state: 'degraded', reason: 'loss-above-degraded' };
  if (figures.latencyMs !== undefined && figures.latencyMs >= thresholds.degradedLatencyMs)
    return { state: 'degraded', reason: 'latency-above-degraded' };
  if (loss === undefined && figures.latencyMs === undefined && figures.status === undefined)
    return { state: 'no-data', reason: 'no-points' };
  return { state: 'healthy', reason: 'within-thresholds' };
};

/** States worth telling someone about the first time a connection is seen. */
const ALARMING: ReadonlySet<HealthState> = new Set(['degraded', 'down']);

/**
 * Whether a change deserves a "VPN Connection Health Changed" event: any change of a known
 * state; a connection seen for the first time only when it starts degraded or down (a new
 * monitor is pending, then healthy or without data for a while, and that is no news).
 */
export const isNews = (previous: HealthState | undefined, next: HealthState): boolean =>
  previous === undefined ? ALARMING.has(next) : previous !== next;
