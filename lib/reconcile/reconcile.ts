import {
  type AccountAccess,
  type AccountRegistry,
  CredentialGate,
  CredentialGuard,
} from '../accounts/index.ts';
import type { SqsClient } from '../aws/index.ts';
import type { VpnTarget } from '../huawei/index.ts';
import type { BackoffOptions, RetryOptions } from '../retry/index.ts';
import { enqueueConnections } from './enqueue.ts';
import { ReconcileOptionsError } from './errors.ts';
import type { HuaweiCalls, ReconcileClient } from './listing.ts';
import { newRunId } from './origin.ts';
import { deleteOrphans } from './orphans.ts';
import { planTarget } from './plan.ts';
import {
  describeFailure,
  type ReconcileSummary,
  type TargetSummary,
  totalOf,
  zeroCounts,
} from './summary.ts';
import { readTargetState } from './target-state.ts';

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

/** What to reconcile and how. */
export interface ReconcileRun {
  /** Projects to reconcile; when empty, every project of every account (or of `account`). */
  targets: readonly VpnTarget[];
  /** Only this account's projects (`--account`). */
  account?: string | undefined;
  /** The source queue; required unless `dryRun`. */
  queueUrl: string | undefined;
  /** List and plan only: nothing is queued or deleted. */
  dryRun: boolean;
  /** Delete monitors whose connection is gone (never in a dry run). */
  deleteOrphans: boolean;
  pageSize?: number | undefined;
  runId?: string | undefined;
}

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
 * Whether a run looks for orphaned monitors: one that deletes them, and a dry run (its plan
 * lists them). Looking costs the monitor list of every target; a run that does not look
 * reports its targets' orphans as not checked.
 */
const looksForOrphans = (run: Pick<ReconcileRun, 'dryRun' | 'deleteOrphans'>): boolean =>
  run.deleteOrphans || run.dryRun;

/**
 * Reconciles every target: reads its connections and monitors ({@link readTargetState}: the
 * monitor list first when looking for orphans, else the connections' own
 * `connection_monitor_id` where every one carries it), plans, queues a "VPN connection created"
 * message for each `ACTIVE` or `DOWN` connection without a monitor, and deletes orphaned
 * monitors only when asked. Each Huawei call goes through the run's credential gate and the
 * retry policy. A target that fails is reported with its reason and the run goes on.
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
  const gateOf = (deps.guard ?? new CredentialGuard()).invocation({
    deadline: runtime.deadline ?? Number.POSITIVE_INFINITY,
    signal: runtime.signal,
  });
  const callsOf = (account: AccountAccess): HuaweiCalls => ({ ...calls, gate: gateOf(account) });
  const calls: HuaweiCalls = {
    client: deps.client,
    gate: new CredentialGate(() => undefined),
    retry: {
      ...deps.huawei,
      deadline: runtime.deadline ?? Number.POSITIVE_INFINITY,
      signal: runtime.signal,
      ...(runtime.onRetry ? { onRetry: runtime.onRetry } : {}),
      ...(runtime.sleep ? { sleep: runtime.sleep } : {}),
    },
  };

  const reconcileTarget = async (
    target: VpnTarget,
    known: AccountAccess | undefined,
    unlisted: unknown,
  ): Promise<TargetSummary> => {
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
        findOrphans: looksForOrphans(run),
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
      if (!run.dryRun && run.deleteOrphans) {
        const deleted = await deleteOrphans(calls, target, plan.orphans);
        summary.orphansDeleted = deleted.deleted;
        problems.push(...deleted.problems);
      }
    } catch (error) {
      problems.push(describeFailure(error));
    }
    if (problems.length > 0) summary.error = problems.join('; ');
    runtime.onTarget?.(summary);
    return summary;
  };

  const targets: TargetSummary[] = [];
  for (const { target, account, unlisted } of await targetsOf(deps.accounts, run))
    targets.push(await reconcileTarget(target, account, unlisted));
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
 * listed becomes one failed row, and the run goes on. The health check covers the same ones.
 */
export const targetsOf = async (
  accounts: ReconcileDeps['accounts'],
  run: Pick<ReconcileRun, 'targets' | 'account'>,
): Promise<{ target: VpnTarget; account: AccountAccess | undefined; unlisted?: unknown }[]> => {
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
  const found: { target: VpnTarget; account: AccountAccess | undefined; unlisted?: unknown }[] = [];
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
