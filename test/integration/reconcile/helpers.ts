import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { createHuaweiAccess } from '../../../lib/accounts/registry.ts';
import { loadReconcileConfig } from '../../../lib/config/index.ts';
import type { VpnTarget } from '../../../lib/huawei/vpn-client.ts';
import type { ReconcileRun } from '../../../lib/reconcile/options.ts';
import {
  createReconcileDependencies,
  type ReconcileRuntime,
  runReconcile,
} from '../../../lib/reconcile/reconcile.ts';
import { runEventSourceMapping } from '../../../local/aws/event-source-mapping.ts';
import { toSqsRecord } from '../../../local/aws/sqs-record.ts';
import type { VpnConnectionStatus } from '../../../local/huawei-simulator/index.ts';
import { REGION, type World } from '../harness.ts';

/** A Huawei VPN client on the world's simulator, for a test to act as someone else would. */
export const huaweiClient = () => createHuaweiAccess(loadReconcileConfig(process.env)).client;

/** A reconcile run's dependencies on the world, built from its environment like the Lambda's. */
const reconcileDependencies = (world: World) =>
  createReconcileDependencies(loadReconcileConfig(process.env), world.aws.clients.sqs);

/** A project of the test's own, so counts are the test's alone. */
export const newProject = (world: World): VpnTarget => {
  const projectId = randomBytes(16).toString('hex');
  world.huawei.addProject(projectId);
  return { projectId, region: REGION };
};

/** A VPN connection in the project, in the given status. */
export const addConnection = (
  world: World,
  target: VpnTarget,
  status: VpnConnectionStatus = 'ACTIVE',
): string => world.huawei.addConnection(target.projectId, randomUUID(), status).id;

/** Runs reconcile over `targets` into the world's source queue. */
export const reconcileInto = (
  world: World,
  targets: VpnTarget[],
  options: Partial<ReconcileRun> = {},
  runtime: ReconcileRuntime = {},
) => {
  const deps = reconcileDependencies(world);
  return runReconcile(
    deps,
    {
      targets,
      queueUrl: world.aws.sqs.queueUrl,
      dryRun: false,
      deleteOrphans: false,
      ...options,
    },
    runtime,
  ).finally(() => deps.close());
};

/**
 * Takes every message off the source queue, as Lambda records: received, then deleted, so a
 * later run of the event source mapping does not wait for them to come back.
 */
export const takeRecords = async (world: World): Promise<SQSRecord[]> => {
  const records: SQSRecord[] = [];
  for (;;) {
    const out = await world.aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.aws.sqs.queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
      }),
    );
    if (!out.Messages?.length) return records;
    for (const message of out.Messages) {
      records.push(
        toSqsRecord(message, { queueArn: world.aws.sqs.queueArn, region: world.aws.region }),
      );
    }
    await world.aws.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: world.aws.sqs.queueUrl,
        Entries: out.Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
};

/** Runs the real createMonitor handler over the source queue until it is empty, as Lambda would. */
export const processQueue = async (world: World) =>
  runEventSourceMapping({
    sqs: world.aws.clients.sqs,
    queueUrl: world.aws.sqs.queueUrl,
    queueArn: world.aws.sqs.queueArn,
    handler: world.handler,
    functionName: 'createMonitor',
    batchSize: 10,
    concurrency: 4,
    functionTimeoutMs: 30_000,
    untilEmpty: true,
  }).finished;

/** The monitors of a project, by connection id. */
export const monitorsByConnection = (world: World, target: VpnTarget): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const monitor of world.huawei.monitors(target.projectId)) {
    counts.set(monitor.vpn_connection_id, (counts.get(monitor.vpn_connection_id) ?? 0) + 1);
  }
  return counts;
};

/**
 * A project of the test's own in the world's simulator, with `count` ACTIVE connections each
 * given its monitor; `target` is its `project_id:region`.
 */
export const monitoredProject = async (huawei: World['huawei'], count: number) => {
  const projectId = randomBytes(16).toString('hex');
  huawei.addProject(projectId);
  const client = huaweiClient();
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = huawei.addConnection(projectId, randomUUID()).id;
    await client.createMonitor({ projectId, region: REGION }, id);
    ids.push(id);
  }
  await client.close();
  return { projectId, ids, target: `${projectId}:${REGION}` };
};
