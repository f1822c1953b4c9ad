import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReconcileRequest } from '../../../lib/reconcile/options.ts';
import type { BoundedReconcileAnswer } from '../../../lib/reconcile/summary.ts';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import { PROJECT_ID, REGION, startWorld, type World } from '../harness.ts';
import { takeRecords } from './helpers.ts';

type Handler = (event: unknown, context: Context) => Promise<BoundedReconcileAnswer>;

let world: World;
let handler: Handler;

beforeAll(async () => {
  // The handler module reads its configuration at import, like a cold start: after the world.
  world = await startWorld();
  ({ handler } = (await import('../../../handlers/reconcile.ts')) as { handler: Handler });
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  await takeRecords(world);
});

const invoke = (event: ReconcileRequest | Record<string, unknown>) =>
  handler(
    event,
    createLambdaContext(
      {
        functionName: 'reconcile',
        region: world.aws.region,
        accountId: '000000000000',
        timeoutMs: 300_000,
        memoryLimitInMB: 256,
      },
      newLogStreamName(),
    ),
  );

/** EventBridge's payload for a scheduled rule. */
const scheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: '2026-11-26T03:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:000000000000:rule/reconcile'],
  detail: {},
};

describe('the reconcile Lambda handler', () => {
  it('returns the plan of a dry run for the default project, and queues nothing', async () => {
    // Prepare
    const connection = world.newConnection();

    // Act
    const summary = await invoke({ dryRun: true });

    // Assess
    expect(summary.dryRun).toBe(true);
    expect(summary.targets.map((t) => [t.projectId, t.region])).toEqual([[PROJECT_ID, REGION]]);
    expect(summary.planSample.enqueue).toContainEqual({
      projectId: PROJECT_ID,
      region: REGION,
      entry: { id: connection, status: 'ACTIVE' },
    });
    expect(summary.fullPlan).toBe('log');
    expect(await takeRecords(world)).toEqual([]);
  });

  it('runs with its configured options when the schedule invokes it', async () => {
    // Prepare
    const connection = world.newConnection();

    // Act
    const summary = await invoke(scheduledEvent);

    // Assess
    expect(summary.dryRun).toBe(false);
    expect(summary.total.targetsFailed).toBe(0);
    const queued = (await takeRecords(world)).map(
      (record) => JSON.parse(record.body).vpn_connection_id,
    );
    expect(queued).toContain(connection);
    expect(queued).toHaveLength(summary.total.enqueued);
  });

  it('refuses an unknown option rather than guess, so a typo never turns a dry run real', async () => {
    // Act
    const result = invoke({ dryrun: true });

    // Assess
    await expect(result).rejects.toThrow(/Invalid reconcile options: .*dryrun/);
    expect(await takeRecords(world)).toEqual([]);
  });
});
