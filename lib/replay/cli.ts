import {
  type CliIo,
  commandSqsClient,
  printJson,
  readFlags,
  requireUrlFlags,
  stderrLines,
  usageFailure,
} from '../cli/index.ts';
import { loadReplayConfig, type ReplayConfig } from '../config/index.ts';
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

/**
 * Runs `replay` with its arguments (after the subcommand): parses and checks them, replays with
 * progress on stderr, prints the report on stdout, and resolves with the exit status.
 */
export async function runReplayCommand(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  let options: ReturnType<typeof parseReplayOptions>;
  let config: ReplayConfig;
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
  } catch (error: unknown) {
    return usageFailure(io, error);
  }
  const sqs = commandSqsClient(io, args);
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
    return exitStatus(report);
  } catch (error: unknown) {
    // What stopped the replay before it started: no target, no move task, SQS refusing
    // (unknown queue, no credentials). Nothing was moved; the message says what to fix.
    display.finish();
    io.stderr.write(
      `${error instanceof ProvisionerError ? error.message : describeError(error)}\n`,
    );
    return error instanceof ReplayOptionsError ? 2 : 1;
  } finally {
    sqs.destroy();
  }
}
