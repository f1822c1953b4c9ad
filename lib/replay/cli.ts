import { parseArgs } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadReplayConfig, type ReplayConfig } from '../config.ts';
import { ProvisionerError } from '../errors.ts';
import { runReconcileCommand } from '../reconcile/cli.ts';
import { createSqsClient } from '../sqs-client.ts';
import { REPLAY_USAGE, USAGE } from './cli-usage.ts';
import { ReplayOptionsError } from './errors.ts';
import { formatMessageLine, formatReport } from './format-report.ts';
import { parseReplayOptions } from './options.ts';
import { lineProgress, type ProgressStream, terminalProgress } from './progress.ts';
import { replayDeadLetters } from './replay.ts';
import type { ReplayReport } from './report.ts';
import { describeError } from './runtime.ts';

/** What the command needs from its process; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Environment for `DLQ_URL` and `SOURCE_QUEUE_URL`; default the process's. */
  env?: Record<string, string | undefined> | undefined;
  /** Stops the replay cleanly (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Builds the SQS client; default the AWS SDK's, with `--region` and `--endpoint`. */
  createSqs?: ((settings: { region?: string; endpoint?: string }) => SQSClient) | undefined;
}

const readArgs = (argv: string[]) =>
  parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
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
    },
  }).values;

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
    if (args.endpoint !== undefined && !URL.canParse(args.endpoint)) {
      throw new ReplayOptionsError(`--endpoint must be a URL, got ${args.endpoint}`);
    }
    config = loadReplayConfig(io.env);
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${message}\nRun with --help for the options.\n`);
    return 2;
  }
  const sqs = (io.createSqs ?? createSqsClient)({
    ...(args.region !== undefined ? { region: args.region } : {}),
    ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
  });
  const display = io.stderr.isTTY
    ? terminalProgress(io.stderr)
    : lineProgress((line) => io.stderr.write(`${line}\n`));
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
    io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
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

/** Runs the command line (`argv` without node and the script), resolving with the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'replay') return runReplayCommand(rest, io);
  if (command === 'reconcile') return runReconcileCommand(rest, io);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  io.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
  return 2;
}
