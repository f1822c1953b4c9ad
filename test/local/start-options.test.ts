import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseStartOptions, START_USAGE } from '../../local/start-options.ts';

const HELP = '(npm start -- --help lists the options)';

describe("npm start's options", () => {
  it.each([
    [['--account', '3'], `Unknown option --account: did you mean --accounts? ${HELP}`],
    [['--verbose'], `Unknown option --verbose ${HELP}`],
    [['--events'], `--events needs a value, e.g. --events 10 ${HELP}`],
    [['--events', '0'], `--events must be a whole number from 1 to 100000, got "0" ${HELP}`],
    [['--faults', '2'], `--faults must be a number from 0 to 0.9, got "2" ${HELP}`],
    [['--batch-size', '0'], `--batch-size must be a whole number from 1 to 10, got "0" ${HELP}`],
    [['--concurrency', '0'], `--concurrency must be a whole number from 1 to 20, got "0" ${HELP}`],
    [
      ['--concurrency', '2.5'],
      `--concurrency must be a whole number from 1 to 20, got "2.5" ${HELP}`,
    ],
    [['--accounts', '2'], `--accounts must be 1 or 3, got "2" ${HELP}`],
    [
      ['--serve', '--accounts', '3'],
      `--serve runs with one Huawei account: drop --accounts 3 ${HELP}`,
    ],
  ])('%j: %s', (argv, line) => {
    expect(() => parseStartOptions(argv)).toThrow(line);
  });

  it('prints the same ranges in --help as it enforces', () => {
    expect(START_USAGE).toContain(
      '--faults R          share of Huawei requests given a transient fault, 0-0.9',
    );
    expect(START_USAGE).toContain('--batch-size N      records per invocation, 1-10');
    expect(START_USAGE).toContain('--concurrency N     invocations at once, 1-20');
  });

  it('takes the defaults and the edges of each range', () => {
    const options = parseStartOptions(['--events', '1', '--faults', '0.9', '--batch-size', '1']);
    expect(options).toMatchObject({
      events: 1,
      faultRate: 0.9,
      batchSize: 1,
      concurrency: 2,
      viaEventGrid: true,
    });
  });

  it('says it on one line, without a stack trace, and exits 2', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const failure = await promisify(execFile)(
      'npx',
      ['--no', '--', 'tsx', 'local/start.ts', '--account', '3'],
      {
        cwd: root,
      },
    ).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toBe(`Unknown option --account: did you mean --accounts? ${HELP}\n`);
  }, 60_000);
});
