import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../commands/command.ts';
import { runCli } from '../../../commands/run.ts';
import type { ReplayReport } from '../../../lib/replay/report.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { deadLetter, sqsClient, visibleCount } from './queues.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/vpn-monitor-provisioner.js', import.meta.url).pathname;

let queues: LocalSqs;
let sqs: SQSClient;

beforeEach(async () => {
  queues = await startSqs();
  sqs = sqsClient(queues.endpoint, queues.region);
});

afterEach(async () => {
  sqs.destroy();
  await queues.stop();
});

/** Captured output of one command run. */
const terminal = (isTTY = false) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text), isTTY, columns: 160 },
    env: {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
};

const queueArgs = () => [
  '--dlq',
  queues.dlqUrl,
  '--to',
  queues.queueUrl,
  '--endpoint',
  queues.endpoint,
  '--region',
  queues.region,
];

describe('vpn-monitor-provisioner replay', () => {
  it('prints its usage with --help', async () => {
    // Prepare
    const { io, stdout } = terminal();

    // Act
    const status = await runCli(['replay', '--help'], io);

    // Assess
    expect(status).toBe(0);
    expect(stdout()).toContain('Usage: vpn-monitor-provisioner replay [options]');
    for (const flag of [
      '--dlq',
      '--to',
      '--dry-run',
      '--max',
      '--rate',
      '--reason',
      '--connection',
    ]) {
      expect(stdout()).toContain(flag);
    }
  });

  it.each([
    [['replay', '--max', 'ten'], /max/],
    [['replay', '--mode', 'move-task', '--reason', 'VPN.0004'], /move-task moves every message/],
    [['replay', '--since', 'yesterday'], /since must be an ISO 8601 date/],
    [['replay', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['replicate'], /Unknown command: replicate/],
    [['replay', '--endpoint', 'nope'], /--endpoint must be a URL/],
  ])('refuses %j with exit status 2', async (argv, message) => {
    // Prepare
    const { io, stderr } = terminal();

    // Act
    const status = await runCli(argv, io);

    // Assess
    expect(status).toBe(2);
    expect(stderr()).toMatch(message);
  });

  it('lists a dry run on stdout, one line per message, with plain progress lines on stderr', async () => {
    // Prepare
    const refused = await deadLetter(sqs, queues.dlqUrl, { failure: {} });
    const redriven = await deadLetter(sqs, queues.dlqUrl);
    const { io, stdout, stderr } = terminal(false);

    // Act
    const status = await runCli(['replay', '--dry-run', ...queueArgs()], io);

    // Assess
    expect(status).toBe(0);
    const lines = stdout().split('\n');
    expect(lines.find((line) => line.includes(refused))).toMatch(/^would-move .* APIGW\.0301 /);
    expect(lines.find((line) => line.includes(redriven))).toMatch(
      /sqs-redrive .*unknown \(moved by SQS redrive\)$/,
    );
    expect(stdout()).toMatch(/would move\s+2\s+\(APIGW\.0301 1, sqs-redrive 1\)/);
    expect(stderr()).toContain(`Replaying (dry run) from ${queues.dlqUrl} to ${queues.queueUrl}`);
    expect(stderr()).toMatch(/^replay \(copy\): \d+/m);
    expect(stderr()).not.toContain('\r');
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(2);
  });

  it('draws a progress bar on a terminal and prints the report as JSON with --json', async () => {
    // Prepare
    for (let i = 0; i < 3; i += 1) await deadLetter(sqs, queues.dlqUrl, { failure: {} });
    const { io, stdout, stderr } = terminal(true);

    // Act
    const status = await runCli(['replay', '--json', '--mode', 'copy', ...queueArgs()], io);

    // Assess
    expect(status).toBe(0);
    const report = JSON.parse(stdout()) as ReplayReport;
    expect(report).toMatchObject({ mode: 'copy', moved: 3, failed: 0 });
    expect(stderr()).toContain('\r\u001b[2Kcopy [');
    expect(stderr()).toMatch(/copy \[#+-*\]\s+3\/3\s+moved 3/);
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(3);
  });

  it('takes the queues from DLQ_URL and SOURCE_QUEUE_URL', async () => {
    // Prepare
    await deadLetter(sqs, queues.dlqUrl, { failure: {} });
    const { io, stdout } = terminal();
    io.env = { DLQ_URL: queues.dlqUrl, SOURCE_QUEUE_URL: queues.queueUrl };

    // Act
    const status = await runCli(
      ['replay', '--endpoint', queues.endpoint, '--region', queues.region],
      io,
    );

    // Assess
    expect(status).toBe(0);
    expect(stdout()).toMatch(/moved\s+1 /);
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(1);
  });

  it('exits with status 1 when messages could not be sent', async () => {
    // Prepare
    await deadLetter(sqs, queues.dlqUrl, { failure: {} });
    const { io, stdout } = terminal();
    io.createSqs = () => {
      const client = sqsClient(queues.endpoint, queues.region);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'SendMessageBatchCommand') throw new Error('target gone');
          return next(args);
        },
        { step: 'initialize' },
      );
      return client;
    };

    // Act
    const status = await runCli(['replay', ...queueArgs()], io);

    // Assess
    expect(status).toBe(1);
    expect(stdout()).toContain('target gone');
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(1);
  });

  it('says what SQS answered when the replay cannot start, with exit status 1', async () => {
    // Prepare
    const { io, stderr } = terminal();
    const missing = `${queues.endpoint}/000000000000/no-such-queue`;

    // Act
    const status = await runCli(['replay', ...queueArgs(), '--dlq', missing], io);

    // Assess
    expect(status).toBe(1);
    expect(stderr()).toMatch(/QueueDoesNotExist|NonExistentQueue/);
  });

  it('runs as a bin through the shim, like npx vpn-monitor-provisioner replay', async () => {
    // Prepare
    const connection = await deadLetter(sqs, queues.dlqUrl, { failure: {} });

    // Act
    const { stdout } = await run(process.execPath, [BIN, 'replay', '--dry-run', ...queueArgs()]);

    // Assess
    expect(stdout).toContain(connection);
    expect(stdout).toContain('dry run: nothing was moved');
  });
});
