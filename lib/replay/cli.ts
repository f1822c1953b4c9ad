import { commandSqsClient, readFlags, requireUrlFlags, usageFailure } from '../cli/args.ts';
import { AwsSettingsError, commandRegion, explainAwsError } from '../cli/aws-settings.ts';
import type { CliIo } from '../cli/io.ts';
import { printJson, stderrLines } from '../cli/output.ts';
import { loadReplayConfig, type ReplayConfig } from '../config.ts';
import { ProvisionerError } from '../errors.ts';
import { REPLAY_USAGE } from './cli-usage.ts';
import { ReplayOptionsError } from './errors.ts';
import { formatMessageLine, formatReport } from './format-report.ts';
import { parseReplayOptions } from './options.ts';
import { lineProgress, terminalProgress } from './progress.ts';
import { replayDeadLetters } from './replay.ts';
import type { ReplayReport } from './report.ts';
import { describeError } from './runtime.ts';

const readArgs = (argv: string[]) =>
  readFlags(argv, {
    dlq: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean' },
    max: { type: 'string' },
    rate: { type: 'string' },
    reason: { type: 'string', multiple: true },
    connection: { type: 'string', multiple: true },
    since: { type: 'string' },
    until: { type: 'string' },
    mode: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });

const exitStatus = (report: ReplayReport): number =>
  report.failed > 0 ||
  report.sentNotDeleted > 0 ||
  report.stopped === 'error' ||
  report.stopped === 'task-failed'
    ? 1
    : 0;

/** Exit status when filters were given and no message matched them: nothing to replay. */
const NOTHING_MATCHED_EXIT = 3;

const FILTER_FLAGS = ['--reason', '--connection', '--since', '--until'];

/**
 * With filters on the command line and no message matching them, the line that says so (and what
 * the DLQ does hold), so a typo such as `--reason APIGW.9999` is not mistaken for "all done".
 */
const unmatchedFilter = (argv: string[], report: ReplayReport): string | undefined => {
  // Each filter as it was typed, its value included: `--reason APIGW.9999`.
  const filters = argv.flatMap((arg, i) => {
    if (FILTER_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) return [arg.replace('=', ' ')];
    return FILTER_FLAGS.includes(arg) ? [`${arg} ${argv[i + 1] ?? ''}`.trim()] : [];
  });
  const matched =
    report.moved + report.wouldMove + report.failed + report.sentNotDeleted + report.left;
  if (filters.length === 0 || matched > 0 || report.mode !== 'copy') return undefined;
  const held = Object.entries(report.skippedReasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return `No message matched ${filters.join(', ')}: ${held === '' ? 'the DLQ is empty' : `the DLQ holds ${held}`} (exit status ${NOTHING_MATCHED_EXIT})`;
};

/**
 * Runs `replay` with its arguments (after the subcommand): parses and checks them, replays with
 * progress on stderr, prints the report on stdout, and resolves with the exit status.
 */
export async function runReplayCommand(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  let options: ReturnType<typeof parseReplayOptions>;
  let config: ReplayConfig;
  let region: string | undefined;
  try {
    args = readArgs(argv);
    if (args.help) {
      io.stdout.write(REPLAY_USAGE);
      return 0;
    }
    options = parseReplayOptions(
      Object.fromEntries(
        Object.entries({
          dlq: args.dlq,
          to: args.to,
          dryRun: args['dry-run'] ?? false,
          max: args.max,
          rate: args.rate,
          reason: args.reason,
          connection: args.connection,
          since: args.since,
          until: args.until,
          mode: args.mode,
        }).filter(([, value]) => value !== undefined),
      ),
    );
    requireUrlFlags([['--endpoint', args.endpoint]], (text) => new ReplayOptionsError(text));
    config = loadReplayConfig(io.env);
    region = commandRegion(args.region, io.env ?? process.env, [
      options.dlq ?? config.deadLetterQueueUrl,
      options.to ?? config.sourceQueueUrl,
    ]);
  } catch (error: unknown) {
    return usageFailure(io, error);
  }
  const sqs = commandSqsClient(io, { ...args, region });
  const display = io.stderr.isTTY ? terminalProgress(io.stderr) : lineProgress(stderrLines(io));
  try {
    const report = await replayDeadLetters(
      sqs,
      options,
      {
        signal: io.signal,
        onStart: ({ mode, dryRun, dlq, to }) =>
          io.stderr.write(
            `Replaying ${dryRun ? '(dry run) ' : ''}from ${dlq} to ${to ?? '(unknown)'} in ${mode} mode\n`,
          ),
        onProgress: (progress) => display.update(progress),
        onMessage: (message) => {
          if (options.dryRun && !args.json) io.stdout.write(`${formatMessageLine(message)}\n`);
        },
      },
      config,
    );
    display.finish();
    if (args.json) printJson(io, report);
    else io.stdout.write(formatReport(report));
    const unmatched = unmatchedFilter(argv, report);
    if (unmatched !== undefined) {
      io.stderr.write(`${unmatched}\n`);
      return NOTHING_MATCHED_EXIT;
    }
    return exitStatus(report);
  } catch (error: unknown) {
    // What stopped the replay before it started: no target, no move task, SQS refusing
    // (unknown queue, no credentials). Nothing was moved; the message says what to fix.
    display.finish();
    io.stderr.write(
      `${explainAwsError(error) ?? (error instanceof ProvisionerError ? error.message : describeError(error))}\n`,
    );
    return error instanceof ReplayOptionsError || error instanceof AwsSettingsError ? 2 : 1;
  } finally {
    sqs.destroy();
  }
}
