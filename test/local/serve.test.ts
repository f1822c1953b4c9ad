import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * `npm start -- --serve` as a user runs it: a child process that keeps the local stack up and
 * prints the commands to try; the commands the docs show are the ones it prints, and they work
 * as printed; Ctrl-C (SIGINT to its process group, as a terminal sends it) stops it cleanly.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** The commands docs/local-stack.md shows after each `<!-- serve-command: NAME -->` marker. */
const documented = (): Map<string, string> => {
  const page = readFileSync(join(root, 'docs', 'local-stack.md'), 'utf8');
  return new Map(
    [...page.matchAll(/<!-- serve-command: (\w+) -->\n```sh\n(.+)\n```/g)].map((match) => [
      match[1] ?? '',
      match[2] ?? '',
    ]),
  );
};

/** A documented command as a pattern: its `<placeholders>` stand for what changes per start. */
const asPattern = (command: string): RegExp =>
  new RegExp(
    `^${command
      .split(/<[a-z]+>/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[A-Za-z0-9_-]+')}$`,
  );

let child: ChildProcess;
let output = '';
let exited: Promise<number | null>;
const printed = new Map<string, string>();

beforeAll(async () => {
  child = spawn('npm', ['start', '--', '--serve', '--events', '20', '--seed', '7'], {
    cwd: root,
    detached: true, // its own process group, so SIGINT reaches npm, tsx and node, as Ctrl-C does
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
  });
  // 'close': every process of the group has let go of the output, not only npm.
  exited = new Promise((resolve) => child.once('close', resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.resume();
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (output.includes('\nReady.\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  const lines = output.split('\n').map((line) => line.trim());
  printed.set('replay', lines.find((line) => line.startsWith('npm run replay')) ?? '');
  printed.set('reconcile', lines.find((line) => line.includes('npm run reconcile')) ?? '');
  printed.set('curl', lines.find((line) => line.startsWith('curl ')) ?? '');
}, 180_000);

afterAll(async () => {
  // Only when a test failed before Ctrl-C: the group is gone once the stack stopped.
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    process.kill(-child.pid, 'SIGKILL');
  }
});

describe('npm start -- --serve', () => {
  it('prints every endpoint', () => {
    for (const name of [
      'SQS (fauxqs)',
      'source queue',
      'dead-letter queue',
      'DynamoDB (dynalite)',
      'EventBridge PutEvents',
      'Huawei VPN API simulator',
      'ingest endpoint',
    ]) {
      expect(output).toMatch(
        new RegExp(`  ${name.replace(/[()]/g, '\\$&')} +http://127\\.0\\.0\\.1:\\d+`),
      );
    }
  });

  it('prints the commands docs/local-stack.md shows', () => {
    const docs = documented();
    expect([...docs.keys()].sort()).toEqual(['curl', 'reconcile', 'replay']);
    for (const [name, command] of docs) expect(printed.get(name)).toMatch(asPattern(command));
  });

  it('runs the replay dry run as printed: the invalid body in the DLQ, nothing moved', async () => {
    const { stdout } = await run('sh', ['-c', printed.get('replay') ?? 'false'], { cwd: root });
    expect(stdout).toContain('invalid-input');
    expect(stdout).toContain('dry run: nothing was moved');
  }, 120_000);

  it('runs the reconcile dry run as printed: the one connection without a monitor named', async () => {
    const { stdout } = await run('sh', ['-c', printed.get('reconcile') ?? 'false'], { cwd: root });
    expect(stdout).toMatch(/would enqueue +[0-9a-f-]{36} +ACTIVE/);
    expect(stdout).toContain('dry run: nothing queued or deleted');
  }, 120_000);

  it('stops cleanly on Ctrl-C', async () => {
    if (child.pid === undefined) throw new Error('npm start has no pid');
    process.kill(-child.pid, 'SIGINT');
    await exited;
    expect(output).toContain('SIGINT: stopping the local stack');
    expect(output).toContain('Stopped.');
  }, 60_000);
});
