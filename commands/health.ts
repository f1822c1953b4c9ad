import { loadHealthConfig, processEnvironment, targetLabel } from '../lib/config/index.ts';
import { ProvisionerError } from '../lib/errors.ts';
import {
  createHealthDependencies,
  HEALTH_STATES,
  type HealthRequest,
  type HealthSummary,
  type HealthTargetSummary,
  resolveHealthRun,
  runHealth,
} from '../lib/health/index.ts';
import { commandRegion, resolveAwsSettings } from './aws-settings.ts';
import {
  type CliIo,
  failureLine,
  printJson,
  readFlags,
  requireUrlFlags,
  stderrLines,
  usageFailure,
} from './command.ts';
import { checkTargetRegions } from './reconcile.ts';

/** Usage of the `health` command, as `--help` prints it. */
const HEALTH_USAGE = `Usage: vpn-monitor-provisioner health [options]

Reads the health of every monitored VPN connection of each target from Huawei Cloud Eye
(packet loss, latency, connection status over a window) and decides each one's state:
healthy, degraded, down, no-data, pending (monitor not ACTIVE yet) or gone. On a change, it
keeps the new state in DynamoDB and publishes a "VPN Connection Health Changed" event.

What
  --target P:R        project_id:region to check; repeatable (default: as reconcile's)
  --account NAME      only the projects of this account of the accounts document
  --dry-run           decide and print only: keep no state, publish nothing
Where
  --huawei-endpoint URL  Huawei VPN API endpoint (default: $HUAWEICLOUD_VPN_ENDPOINT)
  --ces-endpoint URL     Cloud Eye endpoint (default: $HUAWEICLOUD_CES_ENDPOINT, else
                         https://ces.{region}.myhuaweicloud.com)
  --region REGION        AWS region of the state table and the event bus (default: the
                         AWS SDK's)
Output
  --json              print the summary as JSON (with every connection's state and figures)
  -h, --help          show this help

States are kept in $IDEMPOTENCY_TABLE_NAME and events go to $EVENT_BUS_NAME; thresholds come
from HEALTH_DEGRADED_LOSS_PERCENT, HEALTH_DOWN_LOSS_PERCENT, HEALTH_DEGRADED_LATENCY_MS and
HEALTH_WINDOW_MINUTES (docs/health.md). Exit status: 0 done; 1 a target did not complete, or
AWS could not be reached; 2 bad options.
`;

const readArgs = (argv: string[]) =>
  readFlags(argv, {
    target: { type: 'string', multiple: true },
    account: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'huawei-endpoint': { type: 'string' },
    'ces-endpoint': { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });

/** Runs `health` with its arguments (after the subcommand); resolves with the exit status. */
export async function runHealthCommand(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  let config: ReturnType<typeof loadHealthConfig>;
  let run: ReturnType<typeof resolveHealthRun>;
  let region: string | undefined;
  try {
    args = readArgs(argv);
    if (args.help) {
      io.stdout.write(HEALTH_USAGE);
      return 0;
    }
    requireUrlFlags(
      [
        ['--huawei-endpoint', args['huawei-endpoint']],
        ['--ces-endpoint', args['ces-endpoint']],
      ],
      (text) => new ProvisionerError(text),
    );
    const overrides: Record<string, string> = {};
    if (args['huawei-endpoint'] !== undefined)
      overrides.HUAWEICLOUD_VPN_ENDPOINT = args['huawei-endpoint'];
    if (args['ces-endpoint'] !== undefined)
      overrides.HUAWEICLOUD_CES_ENDPOINT = args['ces-endpoint'];
    const env = io.env ?? processEnvironment();
    region = commandRegion(args.region, env, []);
    config = loadHealthConfig(env, overrides);
    const request: HealthRequest = {
      dryRun: args['dry-run'] ?? false,
      targets: args.target,
      account: args.account,
    };
    run = resolveHealthRun(request, config);
    await checkTargetRegions(run.targets, config.vpnEndpoint);
  } catch (error: unknown) {
    return usageFailure(io, error);
  }
  const deps = createHealthDependencies(config, { withAws: !run.dryRun, aws: { region } });
  const say = stderrLines(io);
  try {
    // The clients the run will sign with: the fleet breaker's and state table, the bus.
    if (config.breakerTableName !== undefined || !run.dryRun) await resolveAwsSettings({ region });
    const summary = await runHealth(deps, run, {
      signal: io.signal,
      onRetry: ({ attempt, delayMs, decision }) =>
        say(`retrying after ${decision.reason} (attempt ${attempt}, waiting ${delayMs} ms)`),
      onTarget: (target) =>
        say(`${targetLabel(target)}: ${target.error ? `not complete: ${target.error}` : 'done'}`),
    });
    if (args.json) printJson(io, summary);
    else io.stdout.write(formatHealthSummary(summary));
    return summary.total.targetsFailed > 0 ? 1 : 0;
  } catch (error: unknown) {
    io.stderr.write(`${failureLine(error, { queues: false })}\n`);
    return 1;
  } finally {
    await deps.close();
  }
}

const states = (byState: HealthTargetSummary['byState']): string =>
  HEALTH_STATES.filter((s) => byState[s] > 0)
    .map((s) => `${byState[s]} ${s}`)
    .join(', ') || 'none';

/** One line per target, then the totals: what an operator reads after `health`. */
const formatHealthSummary = (summary: HealthSummary): string => {
  const lines = summary.targets.map(
    (t) =>
      `${targetLabel(t)}${t.account ? ` (${t.account})` : ''}: ${t.checked} checked: ${states(t.byState)}; ${t.changes} changed, ${t.eventsPublished} events, ${t.cloudEyeCalls} Cloud Eye calls${t.error ? `; not complete: ${t.error}` : ''}${t.publishError ? `; events pending: ${t.publishError}` : ''}`,
  );
  const { total } = summary;
  lines.push(
    `${summary.dryRun ? 'Dry run: ' : ''}${total.checked} connections checked in ${summary.targets.length} projects (${states(total.byState)}); ${total.changes} changed, ${total.eventsPublished} events published, ${total.eventsPending} pending; ${total.cloudEyeCalls} Cloud Eye calls; ${summary.durationMs} ms`,
  );
  return `${lines.join('\n')}\n`;
};
