import { type AwsEndpointSettings, createEventBridgeClient } from '../aws/index.ts';
import { mapConcurrent } from '../batch/index.ts';
import {
  type HealthConfig,
  type HealthSettings,
  reconcileTargetListSchema,
} from '../config/index.ts';
import { ProvisionerError } from '../errors.ts';
import {
  AdaptivePacer,
  type ConnectionMonitor,
  cloudEyeEndpointResolver,
  DEFAULT_PACER_SETTINGS,
  type VpnConnection,
  type VpnTarget,
} from '../huawei/index.ts';
import { chunk } from '../queue/index.ts';
import {
  call,
  createHuaweiSide,
  describeFailure,
  type HuaweiCalls,
  huaweiCallsOf,
  listAllConnections,
  listAllMonitors,
  type ReconcileDeps,
  type ReconcileRuntime,
  readRunRequest,
  type TargetRow,
  targetsOf,
} from '../reconcile/index.ts';
import * as z from '../zod.ts';
import {
  batchQueryOf,
  CloudEyeClient,
  connectionsPerCall,
  figuresFrom,
  metricNamesOf,
} from './cloud-eye.ts';
import {
  decideHealth,
  HEALTH_STATES,
  type HealthFigures,
  type HealthState,
  isNews,
} from './decide.ts';
import {
  type HealthBus,
  type HealthChangedDetail,
  healthChangedDetail,
  publishHealthEvents,
} from './health-event.ts';
import { type HealthRecord, HealthStateStore } from './state-store.ts';

/** What a health run uses; the handler and the command build it once. */
export interface HealthDeps extends Omit<ReconcileDeps, 'sqs' | 'enqueueRate'> {
  cloudEye: Pick<CloudEyeClient, 'batchQueryMetricData'>;
  /** Where states are kept; without one (a dry run from a laptop) nothing is written. */
  store: Pick<HealthStateStore, keyof HealthStateStore> | undefined;
  /** Where changes are told; without one, nothing is published. */
  bus: HealthBus | undefined;
  settings: HealthSettings;
}

/**
 * Builds what a health run needs, once per container or command: reconcile's Huawei side, a
 * Cloud Eye client signed with the same keys and paced on its own (another service, another
 * limit), the state table and the bus (in `aws.region` when a command names one). `withAws:
 * false` keeps no state and publishes nothing.
 */
export const createHealthDependencies = (
  config: HealthConfig,
  options: { withAws: boolean; aws?: AwsEndpointSettings } = { withAws: true },
): HealthDeps & { close(): Promise<void> } => {
  // The fleet's credential guard, in the same table: a refused key stops every function.
  const huawei = createHuaweiSide(config, options.aws);
  const cloudEye = new CloudEyeClient({
    endpoint: cloudEyeEndpointResolver({ all: config.health.cloudEyeEndpoint }),
    credentials: { forTarget: (target) => huawei.access.accounts.forTarget(target) },
    attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
    pacer: new AdaptivePacer({ ...DEFAULT_PACER_SETTINGS, pauseMs: config.throttlePauseMs }),
  });
  const { dynamoDb } = huawei;
  const tableName = config.stateTableName;
  const eventBridge = options.withAws ? createEventBridgeClient(options.aws) : undefined;
  const { eventBusName, eventSource: source } = config.health;
  return {
    ...huawei.deps,
    cloudEye,
    store:
      !options.withAws || dynamoDb === undefined || tableName === undefined
        ? undefined
        : new HealthStateStore(dynamoDb, tableName),
    bus: eventBridge === undefined ? undefined : { client: eventBridge, eventBusName, source },
    settings: config.health,
    close: async () => {
      eventBridge?.destroy();
      await cloudEye.close();
      await huawei.close();
    },
  };
};

/** Options a health run was asked for that cannot be run: say which and why. */
class HealthOptionsError extends ProvisionerError {
  public override name = 'HealthOptionsError';
}

/**
 * What an operator asks of a run (the `health` payload, the command's flags): `{"dryRun":
 * true}`, `{"targets": ["<project_id>:cn-north-4"]}`, `{"account": "logistics"}`. Unknown
 * fields are refused, so a typo never turns a dry run into a real one.
 */
const healthRequestSchema = z.strictObject({
  dryRun: z.optional(z.boolean()),
  targets: z.optional(reconcileTargetListSchema),
  account: z.optional(z.string().check(z.minLength(1))),
});

/** A run's options as written by an operator. */
export type HealthRequest = z.input<typeof healthRequestSchema>;

/** What to check. */
export interface HealthRun {
  /** Projects to check; when empty, every project of every account (or of `account`). */
  targets: readonly VpnTarget[];
  account?: string | undefined;
  /** Decide and report only: no state is written, no event published. */
  dryRun: boolean;
}

/** Validates a request and fills it in from the configuration, as reconcile does. */
export const resolveHealthRun = (input: unknown, config: HealthConfig): HealthRun => {
  const { options, targets } = readRunRequest(
    healthRequestSchema,
    input,
    config,
    { name: 'health', nothing: 'Nothing to check' },
    (message) => new HealthOptionsError(message),
  );
  return { targets, account: options.account, dryRun: options.dryRun ?? false };
};

/** How a run runs: its time limit, stop signal, clock and progress hooks. */
export interface HealthRuntime
  extends Pick<ReconcileRuntime, 'deadline' | 'signal' | 'onRetry' | 'sleep'> {
  now?: () => number;
  onTarget?: ((target: HealthTargetSummary) => void) | undefined;
}

/** One connection's decided state, as the summary and the per-connection metrics carry it. */
interface ConnectionHealth {
  connectionId: string;
  monitorId: string | undefined;
  state: HealthState;
  figures: HealthFigures | undefined;
}

/** The counts of a target, or of a run, before anything happened. */
const zeroCounts = () => ({
  connectionsSeen: 0,
  /** Connections with a monitor, and tracked ones that lost theirs or vanished. */
  checked: 0,
  byState: Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>,
  /** States written (changes, first states). */
  changes: 0,
  /** Changes that lost to an overlapping run (it publishes them). */
  lostRaces: 0,
  eventsPublished: 0,
  /** Events kept pending for the next run: EventBridge did not take them. */
  eventsPending: 0,
  cloudEyeCalls: 0,
});

type HealthCounts = ReturnType<typeof zeroCounts>;

/** What happened to one project. */
export interface HealthTargetSummary extends VpnTarget, HealthCounts {
  account?: string | undefined;
  connections: ConnectionHealth[];
  error?: string | undefined;
  /** Why events stayed pending (a failed `PutEvents`, an entry refused): the first reason. */
  publishError?: string | undefined;
}

/** A run's result. */
export interface HealthSummary {
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  targets: HealthTargetSummary[];
  total: HealthCounts & { targetsFailed: number };
}

/** Projects read at once (each one's calls are sequential, under its own pacer lane). */
const PROJECT_CONCURRENCY = 4;
/** A run without a deadline (a command) holds its events this long. */
const LEASE_MS = 10 * 60_000;
/** Past a Lambda's deadline its last publish may still be in flight for a moment. */
const LEASE_MARGIN_MS = 30_000;

/** A decision waiting for its write: the record it leaves and the event it carries. */
interface Change {
  record: HealthRecord | undefined;
  detail: HealthChangedDetail;
  news: boolean;
}

/**
 * Checks every monitored connection of every target: lists connections and monitors, reads
 * their figures in as few Cloud Eye batch queries as its limits allow, decides each state, and
 * on a change writes it (conditional on the version read, with its event) and publishes a "VPN
 * Connection Health Changed" event. An event not published stays pending in its record and
 * goes out, with the same id, on a later run.
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
  const callsOf = huaweiCallsOf(deps, runtime);

  const checkTarget = async ({ target, account: known, unlisted }: TargetRow) => {
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
  const targets = await mapConcurrent(rows, PROJECT_CONCURRENCY, checkTarget);
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
    const pending: Publication[] = [];
    for (const [id, record] of records) {
      if (record.pendingEvent === undefined) continue;
      blocked.add(id);
      if ((record.leaseUntil ?? 0) >= now()) continue;
      if (await deps.store.claim(target, id, record.version, leaseUntil, now()))
        pending.push({ id, version: record.version, detail: record.pendingEvent });
    }
    await publishAndSettle(deps.bus, deps.store, target, summary, pending);
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
    changes.push({
      record,
      news: isNews(record?.state, decision.state),
      detail: healthChangedDetail({
        target,
        connectionId: id,
        account: summary.account,
        monitorId: monitor?.id,
        previous: record?.state,
        decision,
        figures: figures.get(id),
        settings,
        version: (record?.version ?? 0) + 1,
        decidedAt,
      }),
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
      .filter(
        (c) => (c.record === undefined || c.record.state === 'gone') && c.detail.state !== 'gone',
      )
      .map((c) => c.detail.vpn_connection_id),
  );
  const won: Change[] = [];
  for (const change of changes) {
    const written = await deps.store.transition(target, {
      connectionId: change.detail.vpn_connection_id,
      fromVersion: change.record?.version,
      state: change.detail.state,
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
  await publishAndSettle(
    deps.bus,
    deps.store,
    target,
    summary,
    won.map((c) => ({
      id: c.detail.vpn_connection_id,
      version: c.detail.version,
      detail: JSON.stringify(c.detail),
    })),
  );
};

/** An event to publish: its connection, the version that holds it pending, its detail. */
type Publication = { id: string; version: number; detail: string };

/**
 * Publishes pending events and settles each record: a published one is forgotten, one
 * EventBridge did not take is released for the next run at once.
 */
const publishAndSettle = async (
  bus: HealthBus,
  store: NonNullable<HealthDeps['store']>,
  target: VpnTarget,
  summary: HealthTargetSummary,
  events: readonly Publication[],
): Promise<void> => {
  const { published, failure } = await publishHealthEvents(
    bus,
    events.map((e) => e.detail),
  );
  if (failure !== undefined) summary.publishError ??= failure;
  for (const [index, { id, version }] of events.entries()) {
    if (published.has(index)) {
      await store.published(target, id, version);
      summary.eventsPublished += 1;
    } else {
      await store.release(target, id, version);
      summary.eventsPending += 1;
    }
  }
};

/** The counts a run's total adds up, beside `byState`. */
const COUNTS = [
  'connectionsSeen',
  'checked',
  'changes',
  'lostRaces',
  'eventsPublished',
  'eventsPending',
  'cloudEyeCalls',
] as const;

const totalOf = (targets: readonly HealthTargetSummary[]): HealthSummary['total'] => {
  const total: HealthSummary['total'] = { ...zeroCounts(), targetsFailed: 0 };
  for (const t of targets) {
    for (const key of COUNTS) total[key] += t[key];
    for (const state of HEALTH_STATES) total.byState[state] += t.byState[state];
    if (t.error !== undefined) total.targetsFailed += 1;
  }
  return total;
};
