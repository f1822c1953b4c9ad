import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { createSqsClient, type SqsClient } from '../aws/index.ts';
import type { CliIo } from './io.ts';

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
