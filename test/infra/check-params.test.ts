import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * The stage parameter check that `serverless package` (and so `deploy`) runs first
 * (build/check-params.cjs): the rules as a table, then the real command refusing a stage.
 */

type Params = Record<string, unknown>;
const require = createRequire(import.meta.url);
const { checkParams, effectiveParams } = require('../../build/check-params.cjs') as {
  checkParams: (params: Params) => string[];
  effectiveParams: (declared: Record<string, Params>, stage: string, cli?: string[]) => Params;
};

const PROJECT = '0123456789abcdef0123456789abcdef';

/** A stage that is right: a project, the daily schedule, alarms to a new topic. */
const good: Params = {
  batchSize: 10,
  logRetentionInDays: 90,
  logLevel: 'INFO',
  tracing: 'true',
  huaweiRegion: 'cn-north-4',
  huaweiProjectId: PROJECT,
  huaweiCredentialsSecret: '',
  accountsDocumentParameter: '',
  accountSecretsPrefix: '',
  webIdentityAudience: '',
  alarmTopic: 'create',
  reconcileSchedule: 'rate(1 day)',
  reconcileScheduleEnabled: 'true',
  reconcileTargets: '',
  rolePermissionsBoundary: '',
  smnConfirmRegions: '',
  smnTopicUrns: '',
  healthSchedule: 'rate(5 minutes)',
  healthDegradedLossPercent: 5,
  healthDownLossPercent: 50,
  healthDegradedLatencyMs: 300,
  healthWindowMinutes: 5,
  healthMetricSource: 'link',
  healthConnectionMetrics: 'false',
};

describe('checkParams', () => {
  it('accepts a stage that is right', () => {
    expect(checkParams(good)).toEqual([]);
  });

  it.each([
    [
      'no project to reconcile on a schedule',
      { huaweiProjectId: null },
      'reconcileTargets: the scheduled reconcile has nothing to reconcile: set huaweiProjectId (reconciled in huaweiRegion) or reconcileTargets=project_id:region,..., or reconcileScheduleEnabled=false',
    ],
    [
      'a bogus alarm topic',
      { alarmTopic: 'foo' },
      'alarmTopic: is "foo": set "create" (a new SNS topic), an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), or "" for none',
    ],
    [
      'a keyless accounts document without an audience',
      { accountsDocumentParameter: '/vpn-monitor/accounts' },
      'webIdentityAudience: is empty but accountsDocumentParameter grants no secrets (accountSecretsPrefix is ""), so every account is keyless: set the audience of your Huawei OIDC provider, or accountSecretsPrefix for static and agency accounts',
    ],
    [
      'a reconcile target with a mistyped region',
      { reconcileTargets: `${PROJECT}:cn-nort-4x` },
      `reconcileTargets: "${PROJECT}:cn-nort-4x" is not project_id:region: set e.g. 0123456789abcdef0123456789abcdef:cn-north-4`,
    ],
    [
      'a project id that is not 32 hex',
      { huaweiProjectId: 'my-project' },
      'huaweiProjectId: is "my-project": set the project id, 32 hex characters (Huawei console, My Credentials, Projects)',
    ],
    [
      'a switch that is not true or false',
      { tracing: 'yes' },
      'tracing: is "yes": set "true" or "false"',
    ],
    [
      'a batch size of 0',
      { batchSize: 0 },
      'batchSize: is "0": set a whole number from 1 to 10000',
    ],
    [
      'a source queue size that leaves the DLQ no room for the reason',
      { sourceQueueMaxMessageBytes: 1048576 },
      'sourceQueueMaxMessageBytes: is "1048576": set a whole number from 1024 to 1047552',
    ],
    [
      'a retention CloudWatch does not offer',
      { logRetentionInDays: 10 },
      'logRetentionInDays: is "10": set one of CloudWatch\'s periods (7, 14, 30, 90, 365...)',
    ],
    [
      'an SSM parameter name without its leading slash',
      { accountsDocumentParameter: 'vpn-monitor/accounts', webIdentityAudience: 'aud' },
      'accountsDocumentParameter: is "vpn-monitor/accounts": set the SSM parameter\'s full name, starting with / (e.g. /vpn-monitor/accounts)',
    ],
    [
      'a permissions boundary that is not a policy ARN',
      { rolePermissionsBoundary: 'boundary' },
      'rolePermissionsBoundary: is "boundary": set an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or ""',
    ],
    [
      'an SMN topic allow-list entry that is not a topic URN',
      { smnTopicUrns: 'vpn-events' },
      'smnTopicUrns: "vpn-events" is not an SMN topic URN: set e.g. urn:smn:cn-north-4:<project id>:<topic name>',
    ],
    [
      'a health schedule that is not one',
      { healthSchedule: 'every 5 minutes' },
      'healthSchedule: is "every 5 minutes": set an EventBridge schedule, rate(5 minutes) or cron(0/5 * * * ? *)',
    ],
    [
      'a down threshold under the degraded one',
      { healthDegradedLossPercent: 30, healthDownLossPercent: 20 },
      'healthDownLossPercent: is below healthDegradedLossPercent: set it at least as high',
    ],
    [
      'a negative loss threshold',
      { healthDegradedLossPercent: -1 },
      'healthDegradedLossPercent: is "-1": set a percentage from 0 to 100',
    ],
    [
      'a health window Cloud Eye cannot serve in batches',
      { healthWindowMinutes: 90 },
      'healthWindowMinutes: is "90": set a whole number of minutes from 1 to 60',
    ],
    [
      'a metric source that is neither link nor tunnel',
      { healthMetricSource: 'gateway' },
      'healthMetricSource: is "gateway": set link or tunnel',
    ],
    [
      'per-connection metrics switched with a word',
      { healthConnectionMetrics: 'yes' },
      'healthConnectionMetrics: is "yes": set "true" or "false"',
    ],
  ])('refuses %s, naming what to set', (_case, change, line) => {
    expect(checkParams({ ...good, ...change })).toEqual([line]);
  });

  it.each<[string, Params]>([
    ['reconcile switched off', { huaweiProjectId: null, reconcileScheduleEnabled: 'false' }],
    [
      'reconcile targets instead of a project',
      { huaweiProjectId: null, reconcileTargets: `${PROJECT}:eu-west-101` },
    ],
    [
      'an accounts document (every project of every account)',
      { huaweiProjectId: null, accountsDocumentParameter: '/a', accountSecretsPrefix: 'p/' },
    ],
    [
      'keyless accounts with their audience',
      { accountsDocumentParameter: '/a', webIdentityAudience: 'client-id' },
    ],
    ['an existing topic', { alarmTopic: 'arn:aws:sns:eu-west-1:123456789012:platform-alarms' }],
    ['no alarm topic', { alarmTopic: '' }],
    ['an SMN topic allow-list', { smnTopicUrns: `urn:smn:cn-north-4:${PROJECT}:vpn-events` }],
  ])('accepts %s', (_case, change) => {
    expect(checkParams({ ...good, ...change })).toEqual([]);
  });

  it('names every bad parameter, one line each', () => {
    expect(checkParams({ ...good, huaweiProjectId: null, alarmTopic: 'foo' })).toHaveLength(2);
  });

  it('takes default, then the stage, then --param, as osls does', () => {
    const declared = { default: { a: '1', b: '1', c: '1' }, prod: { b: '2', c: '2' } };
    expect(effectiveParams(declared, 'prod', ['c=3=x'])).toEqual({ a: '1', b: '2', c: '3=x' });
  });
});

describe('serverless package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpn-monitor-provisioner-params-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses prod without a reconcile decision and with a bogus alarm topic, before building', async () => {
    const run = promisify(execFile)(
      'npx',
      [
        '--no',
        '--',
        'serverless',
        'package',
        '--stage',
        'prod',
        '--package',
        dir,
        '--param=alarmTopic=foo',
      ],
      { env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' } },
    );
    const failure = await run.then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failure?.code).toBe(1);
    const output = `${failure?.stdout}${failure?.stderr}`;
    expect(output).toContain('Stage "prod" has parameters to fix before it can be deployed');
    expect(output).toContain(
      '  - reconcileTargets: the scheduled reconcile has nothing to reconcile',
    );
    expect(output).toContain('  - alarmTopic: is "foo": set "create"');
    expect(readdirSync(dir)).toEqual([]); // refused before anything was built
  }, 60_000);
});
