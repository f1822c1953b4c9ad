import type { CliIo } from './io.ts';

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
