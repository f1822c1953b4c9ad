import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOUD_EYE_ERROR_FORMATS,
  type CloudEyeErrorFormat,
} from '../../../local/huawei-simulator/index.ts';
import { failedIds, plainBody, sqsRecord, startWorld, type World } from '../harness.ts';
import { monitoredProject } from '../reconcile/helpers.ts';
import { runHealthCommand, targetOf } from './command.ts';

// Which of its three documented error bodies Cloud Eye's v1 batch query answers today is not
// documented (docs/huawei-api.md, "Cloud Eye"): the health run must read a refusal in each.

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

/** A refusal as Cloud Eye sends it: HTTP status, code, text. */
interface Refusal {
  status: number;
  code: string;
  message: string;
}

const BAD_BODY: Refusal = {
  status: 400,
  code: 'ces.0014',
  message: 'Some content in message body is not correct.',
};
const NO_RIGHTS: Refusal = {
  status: 403,
  code: 'ces.0017',
  message:
    'The authentication information is incorrect or the service invoker does not have sufficient rights.',
};

/**
 * Each shape's refusals: a missing permission (v1's current example is an IAM policy refusal
 * whose code is the status itself; the error-code table's is `ces.0017`), and a body Cloud Eye
 * cannot take (`ces.0014`, the older v1 example's).
 */
const REFUSALS: Record<CloudEyeErrorFormat, { permission: Refusal; badBody: Refusal }> = {
  v2: { permission: NO_RIGHTS, badBody: BAD_BODY },
  v1: {
    permission: {
      status: 403,
      code: '403',
      message: "Policy doesn't allow [ces:metricData:list] to be performed",
    },
    badBody: BAD_BODY,
  },
  'v1-older': { permission: NO_RIGHTS, badBody: BAD_BODY },
};

const health = (targets: readonly string[]) => runHealthCommand(world, targets);

describe.each(CLOUD_EYE_ERROR_FORMATS)(
  'health when Cloud Eye refuses in its %s shape',
  (format) => {
    beforeAll(() => {
      world.huawei.setCloudEyeErrorFormat(format);
    });

    afterAll(() => {
      world.huawei.setCloudEyeErrorFormat('v2');
    });

    // What the run calls each refusal: a 403 is a project's permission, not a refused key.
    it.each([
      ['permission', 'permission refused'],
      ['badBody', 'request rejected'],
    ] as const)(
      'reports a %s refusal as that project not complete, and nothing stops the other project or later calls',
      async (kind, called) => {
        // Prepare
        const refused = await monitoredProject(world.huawei, 2);
        const other = await monitoredProject(world.huawei, 2);
        const refusal = REFUSALS[format][kind];
        world.huawei.injectFault({
          kind: 'status',
          operation: 'batchQueryMetricData',
          connectionId: refused.ids[0],
          ...refusal,
        });

        // Act: the run the refusal lands in, the next run, then createMonitor on the same key
        const first = await health([refused.target, other.target]);
        const later = await health([refused.target, other.target]);
        const connection = world.newConnection();
        const created = await world.invoke([sqsRecord(plainBody(connection))]);

        // Assess: the refused project says what Huawei said, through the shape it said it in
        expect(first.status, first.stderr).toBe(1);
        expect(first.summary?.total.targetsFailed).toBe(1);
        const { error } = targetOf(first.summary, refused.projectId) ?? {};
        expect(error).toContain(`${called} (HTTP ${refusal.status} ${refusal.code})`);
        expect(error).toContain(`HTTP ${refusal.status} ${refusal.code}: ${refusal.message}`);
        expect(first.stderr).toContain(`${refused.target}: not complete:`);
        // ... while the other project, on the same key, is checked in the same run
        const checked = targetOf(first.summary, other.projectId);
        expect(checked?.error).toBeUndefined();
        expect(checked?.byState).toMatchObject({ healthy: 2 });
        // A permission or a bad request is not a refused key: nothing is stopped afterwards.
        expect(later.status, later.stderr).toBe(0);
        expect(later.summary?.total.targetsFailed).toBe(0);
        expect(targetOf(later.summary, refused.projectId)?.byState).toMatchObject({ healthy: 2 });
        expect(failedIds(created)).toEqual([]);
        expect(world.monitorsFor(connection)).toHaveLength(1);
      },
    );
  },
);
