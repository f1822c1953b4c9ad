import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../commands/command.ts';
import { runCli } from '../../../commands/run.ts';
import type { ReconcileSummary } from '../../../lib/reconcile/summary.ts';
import { CREDENTIALS, startWorld, type World } from '../harness.ts';
import { addConnection, newProject, takeRecords } from './helpers.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/vpn-monitor-provisioner.js', import.meta.url).pathname;

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  await takeRecords(world);
});

/** Captured output of one command run, with the world's environment minus the queue. */
const terminal = (env: Record<string, string | undefined> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: {
      HUAWEICLOUD_SDK_AK: CREDENTIALS.ak,
      HUAWEICLOUD_SDK_SK: CREDENTIALS.sk,
      HUAWEI_RETRY_BASE_MS: '20',
      ...env,
    },
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
};

const where = () => [
  '--huawei-endpoint',
  world.huawei.endpoint,
  '--endpoint',
  world.aws.sqs.endpoint,
  '--region',
  world.aws.region,
];

describe('vpn-monitor-provisioner reconcile', () => {
  it('prints its usage with --help', async () => {
    // Prepare
    const { io, stdout } = terminal();

    // Act
    const status = await runCli(['reconcile', '--help'], io);

    // Assess
    expect(status).toBe(0);
    expect(stdout()).toContain('Usage: vpn-monitor-provisioner reconcile [options]');
    for (const flag of ['--target', '--dry-run', '--delete-orphans', '--queue', '--json']) {
      expect(stdout()).toContain(flag);
    }
  });

  it.each([
    [['reconcile', '--target', 'nope'], /must be project_id:region/],
    [['reconcile', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['reconcile', '--page-size', '0'], /pageSize/],
    [['reconcile', '--huawei-endpoint', 'http://example.com'], /HUAWEICLOUD_VPN_ENDPOINT/],
    [['reconcile', '--endpoint', 'nope'], /--endpoint must be a URL/],
    [['reconcile', '--dry-run'], /Nothing to reconcile: name a target/],
  ])('refuses %j with exit status 2', async (argv, message) => {
    // Prepare
    const { io, stderr } = terminal();

    // Act
    const status = await runCli(argv, io);

    // Assess
    expect(status).toBe(2);
    expect(stderr()).toMatch(message);
  });

  it('refuses a run that would queue without a queue', async () => {
    // Prepare
    const { io, stderr } = terminal();
    const target = newProject(world);

    // Act
    const status = await runCli(
      ['reconcile', '--target', `${target.projectId}:${target.region}`, ...where()],
      io,
    );

    // Assess
    expect(status).toBe(2);
    expect(stderr()).toMatch(/No source queue/);
  });

  it('prints the plan of a dry run and queues nothing', async () => {
    // Prepare
    const target = newProject(world);
    const missing = addConnection(world, target);
    const waiting = addConnection(world, target, 'PENDING_CREATE');
    const { io, stdout, stderr } = terminal();

    // Act
    const status = await runCli(
      ['reconcile', '--dry-run', '--target', `${target.projectId}:${target.region}`, ...where()],
      io,
    );

    // Assess
    expect(status).toBe(0);
    expect(stdout()).toMatch(new RegExp(`would enqueue\\s+${missing}\\s+ACTIVE`));
    expect(stdout()).toMatch(new RegExp(`pending\\s+${waiting}\\s+PENDING_CREATE`));
    expect(stdout()).toContain('(dry run: nothing queued or deleted)');
    expect(stderr()).toContain('page 1, 2 connections so far');
    expect(await takeRecords(world)).toEqual([]);
  });

  it('queues the connections of every --target and prints the summary as JSON', async () => {
    // Prepare: the targets and the queue from the environment, the Huawei endpoint as a flag
    const first = newProject(world);
    const second = newProject(world);
    addConnection(world, first);
    addConnection(world, second, 'DOWN');
    const { io, stdout } = terminal({ SOURCE_QUEUE_URL: world.aws.sqs.queueUrl });

    // Act
    const status = await runCli(
      [
        'reconcile',
        '--json',
        '--target',
        `${first.projectId}:${first.region}`,
        '--target',
        `${second.projectId}:${second.region}`,
        ...where(),
      ],
      io,
    );

    // Assess
    expect(status).toBe(0);
    const summary = JSON.parse(stdout()) as ReconcileSummary;
    expect(summary.total).toMatchObject({ targets: 2, enqueued: 2, targetsFailed: 0 });
    expect(await takeRecords(world)).toHaveLength(2);
  });

  it('exits 1 when a target does not complete', async () => {
    // Prepare: a project the Huawei account does not have
    const { io, stdout } = terminal({ SOURCE_QUEUE_URL: world.aws.sqs.queueUrl });

    // Act
    const status = await runCli(
      ['reconcile', '--target', `${'f'.repeat(32)}:cn-north-4`, ...where()],
      io,
    );

    // Assess
    expect(status).toBe(1);
    expect(stdout()).toMatch(/not complete: .*HTTP 403 APIGW\.0310/);
  });

  it('runs from the bin entry, as npx vpn-monitor-provisioner reconcile', async () => {
    // Act
    const { stdout } = await run(process.execPath, [BIN, 'reconcile', '--help']);

    // Assess
    expect(stdout).toContain('Usage: vpn-monitor-provisioner reconcile [options]');
  });
});
