import { type AccountAccess, CredentialGuard } from '../accounts/index.ts';
import { mapConcurrent } from '../batch/index.ts';
import type { HealthSettings } from '../config/index.ts';
import type { ConnectionMonitor, VpnConnection, VpnTarget } from '../huawei/index.ts';
import {
  call,
  describeFailure,
  type HuaweiCalls,
  listAllConnections,
  listAllMonitors,
  type ReconcileDeps,
  targetsOf,
} from '../reconcile/index.ts';
import type { BackoffOptions, RetryOptions } from '../retry/index.ts';
import type { CloudEyeClient } from './cloud-eye.ts';
import {
  decideHealth,
  HEALTH_STATES,
  type HealthFigures,
  type HealthState,
  isNews,
} from './decide.ts';
import { batchQueryOf, chunk, connectionsPerCall, figuresFrom, metricNamesOf } from './figures.ts';
import {
  eventFigures,
  eventThresholds,
  type HealthBus,
  type HealthChangedDetail,
  healthEventId,
  publishHealthEvents,
} from './health-event.ts';
import type { HealthRecord, HealthStateStore } from './state-store.ts';

/** What a health run uses; the handler and the command build it once. */
export interface HealthDeps {
  vpn: ReconcileDeps['client'];
  cloudEye: Pick<CloudEyeClient, 'batchQueryMetricData'>;
  accounts: ReconcileDeps['accounts'];
  huawei: { maxAttempts: number; attemptTimeoutMs: number; backoff: BackoffOptions };
  /** The credential guard, with the fleet's breaker; unset, the run guards itself. */
  guard?: CredentialGuard | undefined;
  /** Where states are kept; without one (a dry run from a laptop) nothing is written. */
  store:
    | Pick<
        HealthStateStore,
        'tracked' | 'read' | 'track' | 'transition' | 'claim' | 'published' | 'release'
      >
    | undefined;
  /** Where changes are told; without one, nothing is published. */
  bus: HealthBus | undefined;
  settings: HealthSettings;
  /** Projects read at once (each one's calls are sequential, under its own pacer lane). */
  projectConcurrency?: number | undefined;
}

/** What to check. */
export interface HealthRun {
  /** Projects to check; when empty, every project of every account (or of `account`). */
  targets: readonly VpnTarget[];
  account?: string | undefined;
  /** Decide and report only: no state is written, no event published. */
  dryRun: boolean;
}

/** How a run runs: its time limit, stop signal, clock and progress hooks. */
export interface HealthRuntime {
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
  now?: () => number;
  onTarget?: ((target: HealthTargetSummary) => void) | undefined;
  onRetry?: RetryOptions['onRetry'] | undefined;
  sleep?: RetryOptions['sleep'] | undefined;
}

/** One connection's decided state, as the summary and the per-connection metrics carry it. */
interface ConnectionHealth {
  connectionId: string;
  monitorId: string | undefined;
  state: HealthState;
  figures: HealthFigures | undefined;
}

/** What happened to one project. */
export interface HealthTargetSummary extends VpnTarget {
  account?: string | undefined;
  connectionsSeen: number;
  /** Connections with a monitor, and tracked ones that lost theirs or vanished. */
  checked: number;
  byState: Record<HealthState, number>;
  /** States written (changes, first states). */
  changes: number;
  /** Changes that lost to an overlapping run (it publishes them). */
  lostRaces: number;
  eventsPublished: number;
  /** Events kept pending for the next run: EventBridge did not take them. */
  eventsPending: number;
  cloudEyeCalls: number;
  connections: ConnectionHealth[];
  error?: string | undefined;
}

/** A run's result. */
export interface HealthSummary {
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  targets: HealthTargetSummary[];
  total: Omit<HealthTargetSummary, 'projectId' | 'region' | 'account' | 'connections' | 'error'> & {
    targetsFailed: number;
  };
}

/** A run without a deadline (a command) holds its events this long. */
const LEASE_MS = 10 * 60_000;
/** Past a Lambda's deadline its last publish may still be in flight for a moment. */
const LEASE_MARGIN_MS = 30_000;

const zeroStates = (): Record<HealthState, number> =>
  Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;

/** The counts of a target, or of a run, before anything happened. */
const zeroCounts = () => ({
  connectionsSeen: 0,
  checked: 0,
  byState: zeroStates(),
  changes: 0,
  lostRaces: 0,
  eventsPublished: 0,
  eventsPending: 0,
  cloudEyeCalls: 0,
});

/** A decision waiting for its write: the record it leaves and the event it carries. */
interface Change {
  connectionId: string;
  record: HealthRecord | undefined;
  state: HealthState;
  detail: HealthChangedDetail;
  news: boolean;
}

/**
 * Checks every monitored connection of every target: lists connections and monitors (the VPN
 * API), reads their health in as few Cloud Eye batch queries as its limits allow, decides each
 * state, and on a change writes it (a conditional write on the version read, the event with
 * it) and publishes a "VPN Connection Health Changed" event. An event that could not be
 * published stays pending in its record and goes out, with the same id, on the next run.
 */
export const runHealth = async (
  deps: HealthDeps,
  run: HealthRun,
  runtime: HealthRuntime = {},
): Promise<HealthSummary> => {
  const now = runtime.now ?? Date.now;
  const started = now();
  const deadline = runtime.deadline ?? Number.POSITIVE_INFINITY;
  // The events this run writes are its own to publish until it ends; then anyone's.
  const leaseUntil = Number.isFinite(deadline) ? deadline + LEASE_MARGIN_MS : started + LEASE_MS;
  const retry: RetryOptions = {
    ...deps.huawei,
    deadline,
    signal: runtime.signal,
    ...(runtime.onRetry ? { onRetry: runtime.onRetry } : {}),
    ...(runtime.sleep ? { sleep: runtime.sleep } : {}),
  };
  // One gate per account in this invocation: a refused key stops that account's calls only.
  const gateOf = (deps.guard ?? new CredentialGuard()).invocation({
    deadline,
    signal: runtime.signal,
  });
  const callsOf = (account: AccountAccess): HuaweiCalls => ({
    client: deps.vpn,
    gate: gateOf(account),
    retry,
  });

  const checkTarget = async (
    target: VpnTarget,
    known: AccountAccess | undefined,
    unlisted: unknown,
  ): Promise<HealthTargetSummary> => {
    const summary: HealthTargetSummary = { ...target, ...zeroCounts(), connections: [] };
    try {
      const account = known ?? (await deps.accounts.route(target));
      summary.account = account.spec.name;
      if (unlisted !== undefined) throw unlisted;
      const calls = callsOf(account);
      await checkProject(deps, run, calls, target, summary, now, leaseUntil);
    } catch (error) {
      summary.error = describeFailure(error);
    }
    runtime.onTarget?.(summary);
    return summary;
  };

  const rows = await targetsOf(deps.accounts, run);
  const targets = await mapConcurrent(rows, deps.projectConcurrency ?? 4, (row) =>
    checkTarget(row.target, row.account, row.unlisted),
  );
  return {
    dryRun: run.dryRun,
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
    targets,
    total: totalOf(targets),
  };
};

/** One project: list, read the records, republish what is pending, measure, decide, write, publish. */
const checkProject = async (
  deps: HealthDeps,
  run: HealthRun,
  calls: HuaweiCalls,
  target: VpnTarget,
  summary: HealthTargetSummary,
  now: () => number,
  leaseUntil: number,
): Promise<void> => {
  const { settings } = deps;
  const monitors = await listAllMonitors(calls, target);
  const { connections } = await listAllConnections(calls, target);
  summary.connectionsSeen = connections.length;
  const listed = new Map<string, VpnConnection>(connections.map((c) => [c.id, c]));
  const monitorOf = new Map<string, ConnectionMonitor>(
    monitors.map((m) => [m.vpn_connection_id, m]),
  );
  const tracked = deps.store === undefined ? new Set<string>() : await deps.store.tracked(target);
  const candidates = [
    ...new Set([...connections.filter((c) => monitorOf.has(c.id)).map((c) => c.id), ...tracked]),
  ];
  summary.checked = candidates.length;
  const records =
    deps.store === undefined
      ? new Map<string, HealthRecord>()
      : await deps.store.read(target, candidates);

  // An event a previous run could not publish goes first, with its own id, by the one run
  // that takes its lease (the run that wrote it holds it until its deadline); until it is out,
  // its connection's state is not changed again (its record still holds it).
  const blocked = new Set<string>();
  if (!run.dryRun && deps.store !== undefined && deps.bus !== undefined) {
    const pending: [string, HealthRecord][] = [];
    for (const [id, record] of records) {
      if (record.pendingEvent === undefined) continue;
      blocked.add(id);
      if ((record.leaseUntil ?? 0) >= now()) continue;
      if (await deps.store.claim(target, id, record.version, leaseUntil, now()))
        pending.push([id, record]);
    }
    const out = await publishHealthEvents(
      deps.bus,
      pending.map(([, r]) => r.pendingEvent as string),
    );
    for (const [index, [id, record]] of pending.entries()) {
      if (out.published.has(index)) {
        await deps.store.published(target, id, record.version);
        summary.eventsPublished += 1;
      } else {
        await deps.store.release(target, id, record.version);
        summary.eventsPending += 1;
      }
    }
  }

  const active = candidates.filter(
    (id) => listed.has(id) && monitorOf.get(id)?.status === 'ACTIVE',
  );
  const figures = new Map<string, HealthFigures>();
  const windowMinutes = settings.thresholds.windowMinutes;
  const perCall = connectionsPerCall(windowMinutes, metricNamesOf(settings.metricSource).length);
  for (const ids of chunk(active, perCall)) {
    const query = batchQueryOf(ids, settings.metricSource, windowMinutes, now());
    summary.cloudEyeCalls += 1;
    const answer = await call(calls, () =>
      deps.cloudEye.batchQueryMetricData(target, query, calls.retry),
    );
    for (const [id, f] of figuresFrom(answer, ids, settings.metricSource)) figures.set(id, f);
  }

  const decidedAt = new Date(now()).toISOString();
  const changes: Change[] = [];
  for (const id of candidates) {
    const connection = listed.get(id);
    const monitor = monitorOf.get(id);
    const decision = decideHealth(
      {
        connectionStatus: connection?.status,
        monitorStatus: monitor?.status ?? (monitor === undefined ? undefined : 'UNKNOWN'),
        figures: figures.get(id),
      },
      settings.thresholds,
    );
    const record = records.get(id);
    // A connection never tracked that is gone is nothing to anyone.
    if (record === undefined && decision.state === 'gone') {
      summary.checked -= 1;
      continue;
    }
    summary.byState[decision.state] += 1;
    summary.connections.push({
      connectionId: id,
      monitorId: monitor?.id,
      state: decision.state,
      figures: figures.get(id),
    });
    if (record?.state === decision.state || blocked.has(id)) continue;
    const version = (record?.version ?? 0) + 1;
    changes.push({
      connectionId: id,
      record,
      state: decision.state,
      news: isNews(record?.state, decision.state),
      detail: {
        event_id: healthEventId(target.projectId, id, version),
        vpn_connection_id: id,
        project_id: target.projectId,
        region: target.region,
        account: summary.account ?? null,
        connection_monitor_id: monitor?.id ?? null,
        previous_state: record?.state ?? null,
        state: decision.state,
        reason: decision.reason,
        figures: eventFigures(figures.get(id), settings.metricSource),
        thresholds: eventThresholds(settings.thresholds),
        version,
        decided_at: decidedAt,
      },
    });
  }
  if (run.dryRun || deps.store === undefined) {
    summary.changes = changes.length;
    return;
  }

  await deps.store.track(
    target,
    // New ones, and ones back from `gone` (which left the index).
    changes
      .filter((c) => (c.record === undefined || c.record.state === 'gone') && c.state !== 'gone')
      .map((c) => c.connectionId),
  );
  const won: Change[] = [];
  for (const change of changes) {
    const written = await deps.store.transition(target, {
      connectionId: change.connectionId,
      fromVersion: change.record?.version,
      state: change.state,
      reason: change.detail.reason,
      changedAt: change.detail.decided_at,
      event: change.news ? JSON.stringify(change.detail) : undefined,
      leaseUntil,
    });
    if (written) {
      summary.changes += 1;
      if (change.news) won.push(change);
    } else summary.lostRaces += 1;
  }
  if (deps.bus === undefined) {
    summary.eventsPending += won.length;
    return;
  }
  const out = await publishHealthEvents(
    deps.bus,
    won.map((c) => JSON.stringify(c.detail)),
  );
  for (const [index, change] of won.entries()) {
    if (out.published.has(index)) {
      await deps.store.published(target, change.connectionId, change.detail.version);
      summary.eventsPublished += 1;
    } else {
      await deps.store.release(target, change.connectionId, change.detail.version);
      summary.eventsPending += 1;
    }
  }
};

const totalOf = (targets: readonly HealthTargetSummary[]): HealthSummary['total'] => {
  const total: HealthSummary['total'] = { ...zeroCounts(), targetsFailed: 0 };
  for (const t of targets) {
    total.connectionsSeen += t.connectionsSeen;
    total.checked += t.checked;
    total.changes += t.changes;
    total.lostRaces += t.lostRaces;
    total.eventsPublished += t.eventsPublished;
    total.eventsPending += t.eventsPending;
    total.cloudEyeCalls += t.cloudEyeCalls;
    if (t.error !== undefined) total.targetsFailed += 1;
    for (const state of HEALTH_STATES) total.byState[state] += t.byState[state];
  }
  return total;
};
