import { loadReplayConfig, processEnvironment, type ReplayConfig } from '../lib/config/index.ts';
import {
  formatMessageLine,
  formatReport,
  lineProgress,
  parseReplayOptions,
  ReplayOptionsError,
  type ReplayReport,
  replayDeadLetters,
  terminalProgress,
} from '../lib/replay/index.ts';
import { AwsSettingsError, commandRegion } from './aws-settings.ts';
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

/** Usage of the `replay` command, as `--help` prints it. */
const REPLAY_USAGE = `Usage: vpn-monitor-provisioner replay [options]

Moves messages from the dead-letter queue back to the source queue, once their cause is fixed.
createMonitor is idempotent per connection, so a replayed connection that is already done
creates no second monitor and publishes no second event.

Queues
  --dlq URL          the dead-letter queue (default: $DLQ_URL)
  --to URL           where messages go (default: $SOURCE_QUEUE_URL, else the queue whose
                     redrive policy names the DLQ)
Which messages (any of these means copy mode)
  --reason CODE      failure code (APIGW.0301, VPN.0003) or kind (invalid-input, rejected,
                     retries-exhausted, not-ready-timeout, sqs-redrive for messages SQS
                     moved itself); repeatable
  --connection ID    VPN connection id; repeatable
  --since TIME       failed at or after TIME, ISO 8601 (2025-11-25 or 2025-11-25T08:00:00Z)
  --until TIME       failed before TIME
  --max N            move at most N messages
How
  --dry-run          list what would move, with reasons and connection ids; move nothing
  --rate N           messages per second (with move-task: a whole number from 1 to 500)
  --mode MODE        auto (default): move-task when nothing narrows the replay and SQS
                     offers it, else copy
                     move-task: SQS's own redrive (StartMessageMoveTask), followed to the end
                     copy: receive, filter, send with replay metadata, delete once sent
AWS
  --region REGION    default: the AWS SDK's (AWS_REGION, the profile)
  --endpoint URL     SQS endpoint, for an emulator (default: AWS_ENDPOINT_URL_SQS); on a
                     loopback address, dummy credentials are used
Output
  --json             print the report as JSON instead of text
  -h, --help         show this help

Progress goes to stderr (a bar on a terminal, plain lines otherwise), the report to stdout.
Exit status: 0 done; 1 some messages failed, or the replay stopped on an error; 2 bad options.

Examples
  vpn-monitor-provisioner replay --dry-run
  vpn-monitor-provisioner replay --reason APIGW.0301 --rate 5
  vpn-monitor-provisioner replay --max 100
`;

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
    // The flags left once the command's own are taken out are the replay options.
    const { region: _region, endpoint, json, help, 'dry-run': dryRun, ...replayFlags } = args;
    options = parseReplayOptions({ ...replayFlags, dryRun: dryRun ?? false });
    requireUrlFlags([['--endpoint', args.endpoint]], (text) => new ReplayOptionsError(text));
    config = loadReplayConfig(io.env);
    region = commandRegion(args.region, io.env ?? processEnvironment(), [
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
    io.stderr.write(`${failureLine(error)}\n`);
    return error instanceof ReplayOptionsError || error instanceof AwsSettingsError ? 2 : 1;
  } finally {
    sqs.destroy();
  }
}
