import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { BoundedReconcileAnswer, ReconcileRequest } from '../lib/reconcile/index.ts';
import { createLambdaContext, newLogStreamName } from './aws/lambda-context.ts';
import type { HuaweiSimulator } from './huawei-simulator/index.ts';

type ReconcileHandler = (
  event: ReconcileRequest,
  context: Context,
) => Promise<BoundedReconcileAnswer>;

/**
 * Adds `count` VPN connections to the simulator the way a project looks before this service
 * was deployed: they exist, no event ever announced them. Most are `ACTIVE`, one in ten `DOWN`.
 */
export const addExistingConnections = (
  huawei: HuaweiSimulator,
  projectId: string,
  count: number,
): string[] =>
  Array.from(
    { length: count },
    (_, index) =>
      huawei.addConnection(projectId, randomUUID(), index % 10 === 9 ? 'DOWN' : 'ACTIVE').id,
  );

/**
 * Invokes the real `reconcile` Lambda handler once, as its schedule would, with the
 * environment already pointing at the local stack (its module reads it at import, like a cold
 * start). `request` adds options, e.g. the local source queue.
 */
export const invokeReconcileLambda = async (
  request: ReconcileRequest,
  region: string,
): Promise<BoundedReconcileAnswer> => {
  const { handler } = (await import('../handlers/reconcile.ts')) as { handler: ReconcileHandler };
  return handler(
    request,
    createLambdaContext(
      {
        functionName: 'reconcile',
        region,
        accountId: '000000000000',
        timeoutMs: 300_000,
        memoryLimitInMB: 256,
      },
      newLogStreamName(),
    ),
  );
};
