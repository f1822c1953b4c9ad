import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { type AwsEndpointSettings, createSqsClient, type SqsClient } from '../lib/aws/index.ts';
import { ProvisionerError } from '../lib/errors.ts';
import type { ProgressStream } from '../lib/replay/index.ts';
import { explainAwsError } from './aws-settings.ts';

/** What a command needs from its process; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Environment the command's configuration is read from; default the process's. */
  env?: Record<string, string | undefined> | undefined;
  /** Stops the command cleanly (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Builds the SQS client; default `lib/aws/sqs.ts`'s, with `--region` and `--endpoint`. */
  createSqs?: ((settings: AwsEndpointSettings) => SqsClient) | undefined;
}

/**
 * Reads a command's flags: every flag must be one of `options`, and no positional argument is
 * taken. Throws on anything else, for {@link usageFailure}.
 */
export const readFlags = <T extends ParseArgsOptionsConfig>(argv: string[], options: T) =>
  parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;

/** Exit status of a command that was given bad options or configuration. */
const USAGE_EXIT = 2;

/**
 * Reports options the command cannot run with, in one line; a flag the command does not know, or
 * a flag's bad value, also points at `--help`. Resolves to the status.
 */
export const usageFailure = (io: CliIo, error: unknown): number => {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  // Node's own sentence goes on about positional arguments: its first one says all.
  const message = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (text.split('. ')[0] ?? text) : text;
  const aboutFlags =
    (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) ||
    (error instanceof Error && error.name.endsWith('OptionsError'));
  io.stderr.write(`${message}${aboutFlags ? ' (--help lists the options)' : ''}\n`);
  return USAGE_EXIT;
};

/**
 * Throws `toError(message)` for the first flag whose value is set but not a URL, so a typo is
 * named before any call is made.
 */
export const requireUrlFlags = (
  flags: ReadonlyArray<readonly [flag: string, value: string | undefined]>,
  toError: (message: string) => Error,
): void => {
  for (const [flag, value] of flags) {
    if (value !== undefined && !URL.canParse(value)) {
      throw toError(`${flag} must be a URL, got ${value}`);
    }
  }
};

/** The SQS client for the command's `--region` and `--endpoint` flags. */
export const commandSqsClient = (
  io: CliIo,
  flags: { region?: string | undefined; endpoint?: string | undefined },
): SqsClient =>
  (io.createSqs ?? createSqsClient)({
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
  });

/**
 * What stopped a command, as one line: the fix for an AWS failure a person can mend
 * ({@link explainAwsError}, with its `options`), else its message.
 */
export const failureLine = (error: unknown, options?: { queues?: boolean }): string =>
  explainAwsError(error, options) ??
  (error instanceof ProvisionerError
    ? error.message
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error));

/** Prints a command's result as indented JSON on stdout (`--json`). */
export const printJson = (io: Pick<CliIo, 'stdout'>, value: unknown): void => {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** A writer of whole progress lines on stderr. */
export const stderrLines =
  (io: Pick<CliIo, 'stderr'>) =>
  (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
