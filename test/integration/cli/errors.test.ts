import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../commands/command.ts';
import { runCli } from '../../../commands/run.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { deadLetter, sqsClient } from '../replay/queues.ts';

/*
 * The operator's mistakes, each answered with one line that names the fix and a status a script
 * can test: the command run as a user runs it (the bin, a clean environment), or through its
 * entry function against the SQS emulator.
 */

const run = promisify(execFile);
const BIN = new URL('../../../bin/vpn-monitor-provisioner.js', import.meta.url).pathname;
const PROJECT = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const AWS_DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created-dlq';

/** An environment with no AWS or Huawei settings at all, as on a fresh machine. */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  ...extra,
});

/** Huawei credentials and the stack's table and bus, as an operator exports them for a command. */
const STACK_ENV = {
  HUAWEICLOUD_SDK_AK: 'EXAMPLEAK',
  HUAWEICLOUD_SDK_SK: 'example-sk',
  IDEMPOTENCY_TABLE_NAME: 'vpn-monitor-provisioner-prod-idempotency',
  EVENT_BUS_NAME: 'default',
};
/** A Huawei endpoint nothing listens on: a run that reached Huawei would fail on it instead. */
const HUAWEI_CLOSED = ['--huawei-endpoint', 'http://127.0.0.1:9'];

/** Runs the bin; resolves with its status and output, whatever the status. */
const bin = async (argv: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, [BIN, ...argv], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('the command line, run as a user would', () => {
  it.each([
    [
      'replay with no AWS credentials reads the region from the queue URL and names the ways to sign in',
      ['replay', '--dry-run', '--dlq', AWS_DLQ],
      {},
      1,
      'No AWS credentials found: set AWS_PROFILE to a profile (after aws sso login, or one made with aws configure), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ],
    [
      'an AWS region no partition has',
      ['replay', '--dry-run', '--region', 'mars-1', '--dlq', AWS_DLQ],
      {},
      2,
      'Unknown AWS region "mars-1" (--region): use one such as eu-west-1 or us-east-1 (aws ec2 describe-regions lists yours)',
    ],
    [
      'reconcile with no Huawei credentials',
      ['reconcile', '--dry-run', '--target', `${PROJECT}:cn-north-4`],
      {},
      2,
      'Invalid configuration: environment has no Huawei credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (an access key), HUAWEICLOUD_CREDENTIALS_SECRET_ID (a Secrets Manager secret holding one), or ACCOUNTS_DOCUMENT_PARAMETER or ACCOUNTS_DOCUMENT_SECRET_ID (an accounts document)',
    ],
    [
      'a reconcile target in a region that does not exist, refused before any call',
      ['reconcile', '--dry-run', '--target', `${PROJECT}:cn-nort-4`],
      { HUAWEICLOUD_SDK_AK: 'EXAMPLEAK', HUAWEICLOUD_SDK_SK: 'example-sk' },
      2,
      'Unknown Huawei region "cn-nort-4" in the targets: vpn.cn-nort-4.myhuaweicloud.com does not resolve; did you mean cn-north-4? (regions look like cn-north-4, cn-north-1, cn-north-9, cn-east-2; --huawei-endpoint names another endpoint)',
    ],
    [
      'a health target in a region that does not exist, refused before any call',
      ['health', '--dry-run', '--target', `${PROJECT}:cn-nort-4`],
      { HUAWEICLOUD_SDK_AK: 'EXAMPLEAK', HUAWEICLOUD_SDK_SK: 'example-sk' },
      2,
      'Unknown Huawei region "cn-nort-4" in the targets: vpn.cn-nort-4.myhuaweicloud.com does not resolve; did you mean cn-north-4? (regions look like cn-north-4, cn-north-1, cn-north-9, cn-east-2; --huawei-endpoint names another endpoint)',
    ],
    [
      "reconcile sharing the stack's breaker table with no AWS region, said once before any call",
      ['reconcile', '--dry-run', '--target', `${PROJECT}:cn-north-4`, ...HUAWEI_CLOSED],
      STACK_ENV,
      1,
      'No AWS region: pass --region (e.g. --region eu-west-1), set AWS_REGION, or give the queue URL (https://sqs.<region>.amazonaws.com/...)',
    ],
    [
      "reconcile's --region reaches the breaker table too; then no AWS credentials is said",
      [
        'reconcile',
        '--dry-run',
        '--target',
        `${PROJECT}:cn-north-4`,
        '--region',
        'eu-west-1',
        ...HUAWEI_CLOSED,
      ],
      STACK_ENV,
      1,
      'No AWS credentials found: set AWS_PROFILE to a profile (after aws sso login, or one made with aws configure), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ],
    [
      'health with no AWS region, naming only the fixes health has',
      ['health', '--target', `${PROJECT}:cn-north-4`, ...HUAWEI_CLOSED],
      STACK_ENV,
      1,
      'No AWS region: pass --region (e.g. --region eu-west-1) or set AWS_REGION',
    ],
    [
      'health with no AWS credentials, said once before any call',
      ['health', '--target', `${PROJECT}:cn-north-4`, '--region', 'eu-west-1', ...HUAWEI_CLOSED],
      STACK_ENV,
      1,
      'No AWS credentials found: set AWS_PROFILE to a profile (after aws sso login, or one made with aws configure), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ],
    [
      'an unknown flag',
      ['replay', '--frobnicate'],
      {},
      2,
      "Unknown option '--frobnicate' (--help lists the options)",
    ],
  ])(
    '%s',
    async (_case, argv, env, status, line) => {
      const result = await bin(argv, cleanEnv(env));
      expect(result.code).toBe(status);
      expect(result.stderr).toBe(`${line}\n`);
    },
    60_000,
  );
});

describe('the command line against the SQS emulator', () => {
  let queues: LocalSqs;
  let sqs: SQSClient;
  const err: string[] = [];
  const out: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: {},
  };

  beforeAll(async () => {
    queues = await startSqs();
    sqs = sqsClient(queues.endpoint, queues.region);
    await deadLetter(sqs, queues.dlqUrl, { failure: { kind: 'rejected', code: 'VPN.0001' } });
  });

  afterAll(async () => {
    sqs.destroy();
    await queues.stop();
  });

  const local = () => [
    '--endpoint',
    queues.endpoint,
    '--region',
    queues.region,
    '--dlq',
    queues.dlqUrl,
    '--to',
    queues.queueUrl,
  ];

  it('says plainly when a filter matched nothing, with exit status 3', async () => {
    err.length = 0;
    const status = await runCli(['replay', '--dry-run', ...local(), '--reason', 'APIGW.9999'], io);
    expect(status).toBe(3);
    expect(err.at(-1)).toBe(
      'No message matched --reason APIGW.9999: the DLQ holds VPN.0001 1 (exit status 3)\n',
    );
  });

  it('names an unreachable host in one line', async () => {
    err.length = 0;
    const closed = 'http://127.0.0.1:9';
    const argv = ['replay', '--dry-run', '--endpoint', closed, '--region', 'eu-west-1'];
    const status = await runCli([...argv, '--dlq', `${closed}/000000000000/dlq`], io);
    expect(status).toBe(1);
    expect(err.at(-1)).toBe(
      'Cannot reach 127.0.0.1 (ECONNREFUSED): check --region or --endpoint, and the network or proxy between here and AWS\n',
    );
  }, 60_000);
});
