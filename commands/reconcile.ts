import { lookup } from 'node:dns/promises';
import { loadReconcileConfig, processEnvironment, targetLabel } from '../lib/config/index.ts';
import { ProvisionerError } from '../lib/errors.ts';
import { defaultVpnEndpoint, type VpnTarget } from '../lib/huawei/index.ts';
import {
  createReconcileDependencies,
  type ReconcileRequest,
  type ReconcileSummary,
  resolveReconcileRun,
  runReconcile,
  type TargetSummary,
} from '../lib/reconcile/index.ts';
import { commandRegion, resolveAwsSettings } from './aws-settings.ts';
import {
  type CliIo,
  commandSqsClient,
  failureLine,
  printJson,
  readFlags,
  requireUrlFlags,
  stderrLines,
  usageFailure,
} from './command.ts';

/** Usage of the `reconcile` command, as `--help` prints it. */
const RECONCILE_USAGE = `Usage: vpn-monitor-provisioner reconcile [options]

Lists every VPN connection and every connection monitor of each target and queues a
"VPN connection created" message for each ACTIVE or DOWN connection without a monitor, so
createMonitor creates it and publishes its event. PENDING_* connections are counted and left
for the next run; monitors whose connection is gone are reported, and deleted only with
--delete-orphans.

What
  --target P:R        project_id:region to reconcile; repeatable (default: $RECONCILE_TARGETS,
                      else $HUAWEICLOUD_PROJECT_ID:$HUAWEICLOUD_REGION; with an accounts
                      document: every project of every account)
  --account NAME      only the projects of this account of the accounts document
  --dry-run           list and plan only: queue nothing, delete nothing
  --delete-orphans    delete monitors whose VPN connection no longer exists
  --page-size N       connections per page, 1-2000 (default 200, Huawei's usual maximum)
Where
  --queue URL         the source queue (default: $SOURCE_QUEUE_URL); a dry run needs none
  --huawei-endpoint URL
                      Huawei VPN API endpoint (default: $HUAWEICLOUD_VPN_ENDPOINT, else
                      https://vpn.{region}.myhuaweicloud.com); http:// only on loopback
  --region REGION     AWS region of the queue and the stack's table (default: the
                      AWS SDK's, else the queue URL's)
  --endpoint URL      SQS endpoint, for an emulator (default: AWS_ENDPOINT_URL_SQS); on a
                      loopback address, dummy credentials are used
Output
  --json              print the summary as JSON (with the plan) instead of text
  -h, --help          show this help

Huawei credentials come from the accounts document (ACCOUNTS_DOCUMENT_PARAMETER,
ACCOUNTS_DOCUMENT_SECRET_ID or inline ACCOUNTS_DOCUMENT), else from HUAWEICLOUD_SDK_AK and
HUAWEICLOUD_SDK_SK (or a Secrets Manager secret named by HUAWEICLOUD_CREDENTIALS_SECRET_ID). Progress goes to stderr, the plan (dry run)
and the summary to stdout. Exit status: 0 done; 1 a target did not complete, or AWS could not
be reached; 2 bad options.

Examples
  vpn-monitor-provisioner reconcile --dry-run
  vpn-monitor-provisioner reconcile --dry-run --account logistics
  vpn-monitor-provisioner reconcile --target 0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b:cn-north-4
  vpn-monitor-provisioner reconcile --delete-orphans --json
`;

const readArgs = (argv: string[]) =>
  readFlags(argv, {
    target: { type: 'string', multiple: true },
    account: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'delete-orphans': { type: 'boolean' },
    'page-size': { type: 'string' },
    queue: { type: 'string' },
    'huawei-endpoint': { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });

/**
 * Runs `reconcile` with its arguments (after the subcommand); resolves with the exit status:
 * 0 done, 1 a target did not complete, 2 bad options or configuration.
 */
export async function runReconcileCommand(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  let setup: ReturnType<typeof prepare>;
  try {
    args = readArgs(argv);
    if (args.help) {
      io.stdout.write(RECONCILE_USAGE);
      return 0;
    }
    setup = prepare(args, io);
    await checkTargetRegions(setup.run.targets, setup.config.vpnEndpoint);
  } catch (error: unknown) {
    return usageFailure(io, error);
  }
  const { config, run, region } = setup;
  const sqs = commandSqsClient(io, { ...args, region });
  const deps = createReconcileDependencies(config, sqs, { region });
  const say = stderrLines(io);
  try {
    // The clients the run will sign with, found the same way: the fleet breaker's table (real
    // AWS), else the queue (dummy credentials when its endpoint is an emulator's).
    const breaker = config.breakerTableName !== undefined;
    if (breaker || !run.dryRun)
      await resolveAwsSettings({ region, endpoint: breaker ? undefined : args.endpoint });
    say(
      `Reconciling ${run.account !== undefined ? `account ${run.account}` : run.targets.length > 0 ? run.targets.map(targetLabel).join(', ') : 'every project of every account'}${run.dryRun ? ' (dry run)' : ` into ${run.queueUrl}`}`,
    );
    const summary = await runReconcile(deps, run, {
      signal: io.signal,
      onPage: ({ target, page, connections }) =>
        say(`${targetLabel(target)}: page ${page}, ${connections} connections so far`),
      onRetry: ({ attempt, delayMs, decision }) =>
        say(`retrying after ${decision.reason} (attempt ${attempt}, waiting ${delayMs} ms)`),
      onTarget: (target) =>
        say(`${targetLabel(target)}: ${target.error ? `not complete: ${target.error}` : 'done'}`),
    });
    if (args.json) printJson(io, summary);
    else {
      for (const target of summary.targets) {
        const lines = formatPlan(target, summary);
        const shown = summary.dryRun ? lines : lines.filter((line) => line.includes('orphan'));
        if (shown.length > 0) io.stdout.write(`${targetLabel(target)}\n${shown.join('\n')}\n`);
      }
      io.stdout.write(formatSummary(summary));
    }
    return summary.total.targetsFailed > 0 ? 1 : 0;
  } catch (error: unknown) {
    io.stderr.write(`${failureLine(error)}\n`);
    return 1;
  } finally {
    sqs.destroy();
    await deps.close();
  }
}

/** The configuration and the run the arguments ask for; throws on anything wrong. */
const prepare = (args: ReturnType<typeof readArgs>, io: CliIo) => {
  requireUrlFlags(
    [
      ['--endpoint', args.endpoint],
      ['--huawei-endpoint', args['huawei-endpoint']],
    ],
    (text) => new ProvisionerError(text),
  );
  const huaweiEndpoint = args['huawei-endpoint'];
  const config = loadReconcileConfig(
    io.env,
    huaweiEndpoint !== undefined ? { HUAWEICLOUD_VPN_ENDPOINT: huaweiEndpoint } : {},
  );
  const request: ReconcileRequest = {
    dryRun: args['dry-run'] ?? false,
    deleteOrphans: args['delete-orphans'],
    targets: args.target,
    account: args.account,
    queue: args.queue,
    pageSize: args['page-size'],
  };
  const run = resolveReconcileRun(request, config);
  const region = commandRegion(args.region, io.env ?? processEnvironment(), [run.queueUrl]);
  return { config, run, region };
};

/** The plan of a target as lines: what would be queued, what waits, what is orphaned. */
const formatPlan = (target: TargetSummary, summary: ReconcileSummary): string[] => {
  const queued = summary.dryRun ? 'would enqueue' : 'enqueued';
  const orphan = !summary.deleteOrphans
    ? 'kept (pass --delete-orphans to delete)'
    : summary.dryRun
      ? 'would delete'
      : 'deleted';
  return [
    ...target.plan.enqueue.map(({ id, status }) => `  ${queued.padEnd(13)}  ${id}  ${status}`),
    ...target.plan.pending.map(({ id, status }) => `  ${'pending'.padEnd(13)}  ${id}  ${status}`),
    ...target.plan.skipped.map(({ id, status }) => `  ${'skipped'.padEnd(13)}  ${id}  ${status}`),
    ...target.plan.orphans.map(
      ({ monitorId, vpnConnectionId }) =>
        `  ${'orphan'.padEnd(13)}  monitor ${monitorId} of gone connection ${vpnConnectionId}: ${orphan}`,
    ),
  ];
};

const COLUMNS = [
  ['seen', 'connectionsSeen'],
  ['monitored', 'alreadyMonitored'],
  ['without', 'withoutMonitor'],
  ['enqueued', 'enqueued'],
  ['pending', 'pending'],
  ['skipped', 'skipped'],
  ['orphans', 'orphansFound'],
  ['deleted', 'orphansDeleted'],
  ['pages', 'pages'],
] as const;

/** A count as shown: `-` for orphans nobody looked for. */
const cell = (key: (typeof COLUMNS)[number][1], value: number, orphansChecked: boolean): string =>
  key === 'orphansFound' && !orphansChecked ? '-' : String(value);

/**
 * The summary as text: one row per target and a total, then the targets that did not
 * complete and why. `without` counts `ACTIVE`/`DOWN` connections that had no monitor;
 * `orphans` is `-` where the run did not look for them.
 */
export const formatSummary = (summary: ReconcileSummary): string => {
  const anyChecked = summary.targets.some((t) => t.orphansChecked);
  const rows: [string, ...string[]][] = [
    ...summary.targets.map((t): [string, ...string[]] => [
      t.account === undefined ? targetLabel(t) : `${t.account} (${t.source}) ${targetLabel(t)}`,
      ...COLUMNS.map(([, key]) => cell(key, t[key], t.orphansChecked)),
    ]),
    ['total', ...COLUMNS.map(([, key]) => cell(key, summary.total[key], anyChecked))],
  ];
  const width = Math.max(18, ...rows.map(([label]) => label.length));
  const header = ['account and target'.padEnd(width), ...COLUMNS.map(([name]) => name.padStart(9))];
  const lines = [
    '',
    `Reconcile run ${summary.runId}${summary.dryRun ? ' (dry run: nothing queued or deleted)' : ''}`,
    `  ${header.join(' ')}`,
    ...rows.map(
      ([label, ...values]) =>
        `  ${label.padEnd(width)} ${values.map((v) => v.padStart(9)).join(' ')}`,
    ),
    ...(summary.targets.some((t) => !t.orphansChecked && t.error === undefined)
      ? ['  orphans: not looked for (a dry run or --delete-orphans looks for them)']
      : []),
    ...summary.targets
      .filter((t) => t.error !== undefined)
      .map((t) => `  ${targetLabel(t)} not complete: ${t.error}`),
    `  time: ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
};

/**
 * The regions the official Go SDK lists for the VPN v5 service
 * (huaweicloud-sdk-go-v3, `services/vpn/v5/region/region.go`). Not every region Huawei runs VPN
 * in is listed there (Huawei Cloud Europe's `eu-west-101` is not), so a region outside it is
 * not refused on that alone: its VPN host must resolve.
 */
const SDK_VPN_REGIONS = [
  'cn-north-4',
  'cn-north-1',
  'cn-north-9',
  'cn-east-2',
  'cn-east-3',
  'cn-south-1',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'sa-brazil-1',
  'la-south-2',
  'la-north-2',
];

/** A target whose region has no Huawei VPN endpoint: refused before any call. */
class UnknownRegionError extends ProvisionerError {
  override name = 'UnknownRegionError';
}

/** Letters two strings differ by (Levenshtein), for "did you mean". */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
};

/**
 * Refuses, before any Huawei call, a target whose region cannot be right: not one the SDK lists
 * and its default VPN host does not resolve (`cn-nort-4`). Skipped for a region whose endpoint
 * is overridden (`--huawei-endpoint`, `HUAWEICLOUD_VPN_ENDPOINT(S)`: a simulator, a proxy).
 * `resolve` is the DNS lookup; tests pass their own.
 */
export const checkTargetRegions = async (
  targets: readonly VpnTarget[],
  vpnEndpoint: (region: string) => string,
  resolve: (host: string) => Promise<unknown> = (host) => lookup(host),
): Promise<void> => {
  for (const region of new Set(targets.map((target) => target.region))) {
    const endpoint = defaultVpnEndpoint(region);
    if (SDK_VPN_REGIONS.includes(region) || vpnEndpoint(region) !== endpoint) continue;
    const host = new URL(endpoint).hostname;
    const resolved = await resolve(host).then(
      () => true,
      () => false,
    );
    if (resolved) continue;
    const [near] = [...SDK_VPN_REGIONS].sort((a, b) => distance(region, a) - distance(region, b));
    const hint = near !== undefined && distance(region, near) <= 2 ? `did you mean ${near}? ` : '';
    throw new UnknownRegionError(
      `Unknown Huawei region "${region}" in the targets: ${host} does not resolve; ${hint}(regions look like ${SDK_VPN_REGIONS.slice(0, 4).join(', ')}; --huawei-endpoint names another endpoint)`,
    );
  }
};
