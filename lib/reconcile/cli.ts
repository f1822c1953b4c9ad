import { commandSqsClient, readFlags, requireUrlFlags, usageFailure } from '../cli/args.ts';
import { commandRegion, explainAwsError } from '../cli/aws-settings.ts';
import type { CliIo } from '../cli/io.ts';
import { printJson, stderrLines } from '../cli/output.ts';
import { loadReconcileConfig } from '../config.ts';
import { ProvisionerError } from '../errors.ts';
import { RECONCILE_USAGE } from './cli-usage.ts';
import { createReconcileDependencies } from './dependencies.ts';
import { formatPlan, formatSummary } from './format.ts';
import { type ReconcileRequest, resolveReconcileRun } from './options.ts';
import { runReconcile } from './reconcile.ts';
import { checkTargetRegions } from './target-regions.ts';
import { targetLabel } from './targets.ts';

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
 * Runs `reconcile` with its arguments (after the subcommand): checks them, reconciles with
 * progress on stderr, prints the plan (dry run) and the summary on stdout, and resolves with
 * the exit status: 0 done, 1 a target did not complete, 2 bad options or configuration.
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
  const deps = createReconcileDependencies(config, sqs);
  const say = stderrLines(io);
  try {
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
    io.stderr.write(
      `${explainAwsError(error) ?? (error instanceof ProvisionerError ? error.message : String(error))}\n`,
    );
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
    ...(args['delete-orphans'] !== undefined ? { deleteOrphans: args['delete-orphans'] } : {}),
    ...(args.target !== undefined ? { targets: args.target } : {}),
    ...(args.account !== undefined ? { account: args.account } : {}),
    ...(args.queue !== undefined ? { queue: args.queue } : {}),
    ...(args['page-size'] !== undefined ? { pageSize: args['page-size'] } : {}),
  };
  const run = resolveReconcileRun(request, config);
  const region = commandRegion(args.region, io.env ?? process.env, [run.queueUrl]);
  return { config, run, region };
};
