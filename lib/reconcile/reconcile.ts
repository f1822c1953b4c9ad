import { randomBytes } from 'node:crypto';
import {
  type AccountAccess,
  type AccountRegistry,
  CredentialGuard,
  createFleetGuard,
  createHuaweiAccess,
} from '../accounts/index.ts';
import { type AwsEndpointSettings, createDynamoDbClient, type SqsClient } from '../aws/index.ts';
import { mapConcurrent } from '../batch/index.ts';
import type { ReconcileConfig } from '../config/index.ts';
import { HuaweiApiError } from '../errors.ts';
import type { VpnTarget } from '../huawei/index.ts';
import {
  buildCopy,
  chunk,
  isFifoQueue,
  MAX_BATCH_ENTRIES,
  MAX_DELAY_SECONDS,
  reconcileAttributes,
  sendBatch,
} from '../queue/index.ts';
import { type BackoffOptions, lastFailure, type RetryOptions } from '../retry/index.ts';
import { call, type HuaweiCalls, type ReconcileClient, readTargetState } from './listing.ts';
import { ReconcileOptionsError, type ReconcileRun } from './options.ts';
import { planTarget } from './plan.ts';
import {
  describeFailure,
  type ReconcileSummary,
  type TargetSummary,
  totalOf,
  zeroCounts,
} from './summary.ts';

/** What a run uses; the handler and the command build it once. */
export interface ReconcileDeps {
  client: ReconcileClient;
  sqs: SqsClient;
  /** The accounts: whose projects to cover, and whose key each call is signed with. */
  accounts: Pick<AccountRegistry, 'accounts' | 'account' | 'projects' | 'route'>;
  huawei: { maxAttempts: number; attemptTimeoutMs: number; backoff: BackoffOptions };
  /** The credential guard, with the fleet's breaker shared with createMonitor; unset, the run guards itself. */
  guard?: CredentialGuard | undefined;
  /** Messages a second the queued connections become visible at; unset, all at once. */
  enqueueRate?: number | undefined;
}

/**
 * The Huawei side of a run, once per container or command: accounts, VPN client, retry
 * settings and, with a breaker table, the guard behind the fleet's breaker createMonitor obeys
 * too (in `aws.region` when a command names one). `close()` releases the keep-alive
 * connections, so a command can exit.
 */
export const createHuaweiSide = (config: ReconcileConfig, aws: AwsEndpointSettings = {}) => {
  const access = createHuaweiAccess(config);
  const tableName = config.breakerTableName;
  const dynamoDb = tableName === undefined ? undefined : createDynamoDbClient(aws);
  const deps: Omit<ReconcileDeps, 'sqs' | 'enqueueRate'> = {
    client: access.client,
    accounts: access.accounts,
    huawei: {
      maxAttempts: config.huaweiMaxAttempts,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
      backoff: config.huaweiBackoff,
    },
    guard:
      tableName === undefined || dynamoDb === undefined
        ? undefined
        : createFleetGuard({ config, client: dynamoDb, tableName }),
  };
  const close = async () => {
    dynamoDb?.destroy();
    await access.close();
  };
  return { deps, access, dynamoDb, close };
};

/** What a reconcile run needs, with the SQS client given; see {@link createHuaweiSide}. */
export const createReconcileDependencies = (
  config: ReconcileConfig,
  sqs: SqsClient,
  aws: AwsEndpointSettings = {},
): ReconcileDeps & { close(): Promise<void> } => {
  const { deps, close } = createHuaweiSide(config, aws);
  return { ...deps, sqs, enqueueRate: config.enqueueRate, close };
};

/** How a run runs: its time limit, a stop signal, and hooks for progress and logs. */
export interface ReconcileRuntime {
  /** Epoch milliseconds: no Huawei attempt starts after it (the Lambda's timeout, less a margin). */
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
  onPage?: ((page: { target: VpnTarget; page: number; connections: number }) => void) | undefined;
  onTarget?: ((target: TargetSummary) => void) | undefined;
  onRetry?: RetryOptions['onRetry'] | undefined;
  /** Waits between attempts; tests pass a fast one. */
  sleep?: RetryOptions['sleep'] | undefined;
}

/**
 * Each account's Huawei calls in one run: under its own gate for this invocation (a refused
 * key stops that account's calls only), retried by the policy until the deadline.
 */
export const huaweiCallsOf = (
  deps: Pick<ReconcileDeps, 'client' | 'huawei' | 'guard'>,
  runtime: Pick<ReconcileRuntime, 'deadline' | 'signal' | 'onRetry' | 'sleep'>,
): ((account: AccountAccess) => HuaweiCalls) => {
  const deadline = runtime.deadline ?? Number.POSITIVE_INFINITY;
  const gateOf = (deps.guard ?? new CredentialGuard()).invocation({
    deadline,
    signal: runtime.signal,
  });
  const retry: RetryOptions = {
    ...deps.huawei,
    deadline,
    signal: runtime.signal,
    ...(runtime.onRetry ? { onRetry: runtime.onRetry } : {}),
    ...(runtime.sleep ? { sleep: runtime.sleep } : {}),
  };
  return (account) => ({ client: deps.client, gate: gateOf(account), retry });
};

/** A fresh run id, readable in logs and sortable: `20261126T024000Z-3f9a1c0b`. */
export const newRunId = (now: Date = new Date()): string =>
  `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(4).toString('hex')}`;

/** Batches in flight at once. */
const CONCURRENCY = 4;
/** Passes over the entries SQS refused (its own throttling, a transient fault). */
const PASSES = 3;

/**
 * The delay of the `index`th message so that messages become visible at `rate` a second:
 * `index / rate`, at most 15 minutes (past that they come at once, after 15 minutes; the
 * createMonitor pacer then follows Huawei's rate). 0 without a rate, and on a FIFO queue.
 */
export const spreadDelaySeconds = (index: number, rate: number | undefined): number =>
  rate === undefined ? 0 : Math.min(MAX_DELAY_SECONDS, Math.floor(index / rate));

/**
 * Queues one "VPN connection created" message per connection on the source queue, marked with
 * the reconcile origin and run id, ten to a batch. Entries SQS refuses are sent again, up to
 * three passes in all; what is still refused is returned, never thrown, so the rest goes on.
 * With `rate`, the messages are spread in time with `DelaySeconds` ({@link spreadDelaySeconds}).
 */
const enqueueConnections = async (
  sqs: SqsClient,
  queueUrl: string,
  target: VpnTarget,
  connectionIds: readonly string[],
  runId: string,
  rate?: number | undefined,
) => {
  const fifo = isFifoQueue(queueUrl);
  const position = new Map(connectionIds.map((id, index) => [id, index]));
  const attributes = reconcileAttributes(runId);
  // Written by the queue writer like any message: a new one is a copy of nothing received.
  const entry = (id: string, index: number) => ({
    Id: String(index),
    ...buildCopy(
      fifo,
      {
        messageId: `${runId}.${id}`,
        // The plain "VPN connection created" body createMonitor reads.
        body: JSON.stringify({
          vpn_connection_id: id,
          project_id: target.projectId,
          region: target.region,
        }),
        messageAttributes: attributes,
        messageGroupId: id,
      },
      {
        ...(rate === undefined
          ? {}
          : { delaySeconds: spreadDelaySeconds(position.get(id) ?? 0, rate) }),
      },
    ).request,
  });
  const sendOne = async (ids: readonly string[]) => {
    try {
      const results = await sendBatch(sqs, queueUrl, ids.map(entry));
      return ids.flatMap((id, index) => {
        const refused = results.get(String(index));
        return refused === undefined ? [] : [{ id, reason: refused }];
      });
    } catch (error) {
      return ids.map((id) => ({ id, reason: describeFailure(error) }));
    }
  };
  let remaining = [...connectionIds];
  // Connections whose message SQS refused every time, with its last reason.
  let failed: { id: string; reason: string }[] = [];
  for (let pass = 0; pass < PASSES && remaining.length > 0; pass += 1) {
    const batches = chunk(remaining, MAX_BATCH_ENTRIES);
    failed = (await mapConcurrent(batches, CONCURRENCY, sendOne)).flat();
    remaining = failed.map((entry) => entry.id);
  }
  return { sent: connectionIds.length - failed.length, failed };
};

/** A monitor that is gone already: Huawei answers 404, or `VPN.0001` for one deleted before. */
const alreadyGone = (error: unknown): boolean => {
  const cause = lastFailure(error);
  return cause instanceof HuaweiApiError && (cause.status === 404 || cause.code === 'VPN.0001');
};

/**
 * Reconciles every target: reads its connections and monitors ({@link readTargetState}),
 * plans, queues a "VPN connection created" message for each `ACTIVE` or `DOWN` connection
 * without a monitor, and deletes orphaned monitors only when asked. A target that fails is
 * reported with its reason and the run goes on.
 */
export const runReconcile = async (
  deps: ReconcileDeps,
  run: ReconcileRun,
  runtime: ReconcileRuntime = {},
): Promise<ReconcileSummary> => {
  const queueUrl = run.queueUrl;
  if (!run.dryRun && queueUrl === undefined) {
    throw new ReconcileOptionsError('A run that queues messages needs the source queue URL');
  }
  const started = Date.now();
  const runId = run.runId ?? newRunId(new Date(started));
  const callsOf = huaweiCallsOf(deps, runtime);

  const reconcileTarget = async ({ target, account: known, unlisted }: TargetRow) => {
    const summary: TargetSummary = {
      ...target,
      ...zeroCounts(),
      orphansChecked: false,
      plan: { enqueue: [], pending: [], skipped: [], orphans: [] },
    };
    const problems: string[] = [];
    try {
      const account = known ?? (await deps.accounts.route(target));
      summary.account = account.spec.name;
      summary.source = account.spec.source.kind;
      if (unlisted !== undefined) throw unlisted;
      const calls = callsOf(account);
      const state = await readTargetState(calls, target, {
        // A dry run's plan lists orphans, and only a run that looks can delete them; looking
        // costs each target's monitor list.
        findOrphans: run.deleteOrphans || run.dryRun,
        pageSize: run.pageSize,
        onPage: (p) => runtime.onPage?.({ target, ...p }),
      });
      const plan = planTarget(state.connections, state.monitors, {
        findOrphans: state.orphansChecked,
      });
      Object.assign(summary, {
        connectionsSeen: state.connections.length,
        pages: state.pages,
        monitorsFrom: state.monitorsFrom,
        orphansChecked: state.orphansChecked,
        alreadyMonitored: plan.alreadyMonitored,
        withoutMonitor: plan.enqueue.length,
        pending: plan.pending.length,
        skipped: plan.skipped.length,
        orphansFound: plan.orphans.length,
        plan,
      });
      if (!run.dryRun && queueUrl !== undefined && plan.enqueue.length > 0) {
        const ids = plan.enqueue.map((connection) => connection.id);
        const sent = await enqueueConnections(
          deps.sqs,
          queueUrl,
          target,
          ids,
          runId,
          deps.enqueueRate,
        );
        summary.enqueued = sent.sent;
        summary.enqueueFailed = sent.failed.length;
        if (sent.failed.length > 0) {
          problems.push(
            `SQS refused ${sent.failed.length} messages (first: ${sent.failed[0]?.reason})`,
          );
        }
      }
      // One by one, each under the gate and retried: one already gone counts as deleted, and
      // one that could not be deleted is reported while the others are still tried.
      for (const { monitorId } of !run.dryRun && run.deleteOrphans ? plan.orphans : []) {
        try {
          await call(calls, () => calls.client.deleteMonitor(target, monitorId, calls.retry));
          summary.orphansDeleted += 1;
        } catch (error) {
          if (alreadyGone(error)) summary.orphansDeleted += 1;
          else problems.push(`monitor ${monitorId} not deleted: ${describeFailure(error)}`);
        }
      }
    } catch (error) {
      problems.push(describeFailure(error));
    }
    if (problems.length > 0) summary.error = problems.join('; ');
    runtime.onTarget?.(summary);
    return summary;
  };

  const targets: TargetSummary[] = [];
  for (const row of await targetsOf(deps.accounts, run)) targets.push(await reconcileTarget(row));
  return {
    runId,
    dryRun: run.dryRun,
    deleteOrphans: run.deleteOrphans,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets,
    total: totalOf(targets),
  };
};

/**
 * The run's targets with their accounts: the named targets (their accounts found by routing),
 * or every project of every account, or of the one named. An account whose projects cannot be
 * listed becomes one failed row, and the run goes on.
 */
export const targetsOf = async (
  accounts: ReconcileDeps['accounts'],
  run: Pick<ReconcileRun, 'targets' | 'account'>,
): Promise<TargetRow[]> => {
  if (run.targets.length > 0 && run.account === undefined)
    return run.targets.map((target) => ({ target, account: undefined }));
  let chosen = await accounts.accounts();
  if (run.account !== undefined) {
    const named = await accounts.account(run.account);
    if (named === undefined) {
      throw new ReconcileOptionsError(
        `No account ${run.account} in the accounts document; it has ${chosen.map((a) => a.spec.name).join(', ')}`,
      );
    }
    chosen = [named];
  }
  const found: TargetRow[] = [];
  for (const account of chosen) {
    if (account.spec.projects === 'any') {
      for (const target of run.targets) found.push({ target, account });
      continue;
    }
    try {
      for (const target of await accounts.projects(account)) found.push({ target, account });
    } catch (error) {
      // One row stands for the projects that could not be listed; its error says why.
      const region = 'region' in account.spec.source ? account.spec.source.region : '-';
      found.push({ target: { projectId: 'discover', region }, account, unlisted: error });
    }
  }
  return found;
};

/** One row of a run: a target, its account when known, and why its account's projects could not be listed. */
export type TargetRow = {
  target: VpnTarget;
  account: AccountAccess | undefined;
  unlisted?: unknown;
};
