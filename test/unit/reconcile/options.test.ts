import { describe, expect, it } from 'vitest';
import type { ReconcileConfig } from '../../../lib/config/index.ts';
import { ReconcileOptionsError, resolveReconcileRun } from '../../../lib/reconcile/options.ts';

const PROJECT = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const OTHER = 'ffffffffffffffffffffffffffffffff';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created';

const config = (overrides: Partial<ReconcileConfig> = {}): ReconcileConfig => ({
  defaultRegion: 'cn-north-4',
  defaultProjectId: PROJECT,
  vpnEndpoint: (region) => `https://vpn.${region}.myhuaweicloud.com`,
  credentials: { kind: 'secrets-manager', secretId: 'secret' },
  accountsDocument: {
    kind: 'single-key',
    credentials: { kind: 'secrets-manager', secretId: 'secret' },
  },
  identityEndpoints: {
    sts: (region) => `https://sts.${region}.myhuaweicloud.com`,
    iam: () => 'https://iam.myhuaweicloud.com',
  },
  huaweiAttemptTimeoutMs: 10_000,
  huaweiMaxAttempts: 5,
  huaweiBackoff: { baseMs: 200, capMs: 5_000 },
  breakerCooldownMs: 60_000,
  throttlePauseMs: 2_000,
  targets: [{ projectId: PROJECT, region: 'cn-north-4' }],
  deleteOrphans: false,
  sourceQueueUrl: QUEUE,
  breakerTableName: undefined,
  enqueueRate: undefined,
  ...overrides,
});

describe('resolveReconcileRun', () => {
  it.each([
    ['no payload', undefined],
    ['an empty payload', {}],
    ['a scheduled event', { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }],
  ])('runs with the configuration for %s', (_, payload) => {
    // Act
    const run = resolveReconcileRun(payload, config({ deleteOrphans: true }));

    // Assess
    expect(run).toEqual({
      targets: [{ projectId: PROJECT, region: 'cn-north-4' }],
      queueUrl: QUEUE,
      dryRun: false,
      deleteOrphans: true,
      pageSize: undefined,
    });
  });

  it('takes targets, a queue and switches from the payload, comma-separated or listed', () => {
    // Act
    const run = resolveReconcileRun(
      {
        targets: [`${OTHER}:ap-southeast-1, ${PROJECT}:cn-north-4`, `${OTHER}:ap-southeast-1`],
        queue: `${QUEUE}-2`,
        dryRun: true,
        deleteOrphans: false,
        pageSize: '50',
      },
      config({ deleteOrphans: true }),
    );

    // Assess
    expect(run).toEqual({
      targets: [
        { projectId: OTHER, region: 'ap-southeast-1' },
        { projectId: PROJECT, region: 'cn-north-4' },
      ],
      queueUrl: `${QUEUE}-2`,
      dryRun: true,
      deleteOrphans: false,
      pageSize: 50,
    });
  });

  it.each([
    [{ dryrun: true }, /Unrecognized key.*dryrun/],
    [{ targets: 'cn-north-4' }, /targets\.0 must be project_id:region/],
    [
      { targets: [`${PROJECT.toUpperCase()}:cn-north-4`] },
      /targets\.0\.projectId must be lowercase/,
    ],
    [{ targets: [`${PROJECT}:north`] }, /targets\.0\.region must be a region/],
    [{ pageSize: 0 }, /pageSize/],
    [{ queue: 'not a url' }, /queue must be a queue URL/],
  ])('refuses %j', (payload, message) => {
    // Act and assess
    expect(() => resolveReconcileRun(payload, config())).toThrow(ReconcileOptionsError);
    expect(() => resolveReconcileRun(payload, config())).toThrow(message);
  });

  it('refuses a run with no target at all', () => {
    // Act and assess
    expect(() => resolveReconcileRun({}, config({ targets: [] }))).toThrow(/Nothing to reconcile/);
  });

  it('needs a queue unless it is a dry run', () => {
    // Prepare
    const noQueue = config({ sourceQueueUrl: undefined });

    // Act and assess
    expect(() => resolveReconcileRun({}, noQueue)).toThrow(/No source queue/);
    expect(resolveReconcileRun({ dryRun: true }, noQueue).queueUrl).toBeUndefined();
  });
});
