/**
 * Benchmarks 6 and 7: the fleet, not one invocation. Containers are built the way a cold
 * Lambda container builds itself (its own clients, credential cache, pacer and breaker), all
 * on the same local DynamoDB table, SQS queues and Huawei simulator, in this process.
 */
import { randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHuaweiAccess } from '../../lib/accounts/registry.ts';
import { invocationBudget } from '../../lib/aws/invocation-budget.ts';
import { loadConfig } from '../../lib/config/index.ts';
import { createLogger } from '../../lib/log.ts';
import {
  createDependencies,
  createProvisioner,
  type QueueMessage,
} from '../../lib/provision/index.ts';
import { runEventSourceMapping } from '../../local/aws/event-source-mapping.ts';
import { createLambdaContext, newLogStreamName } from '../../local/aws/lambda-context.ts';
import { type LocalAwsStack, startLocalAwsStack } from '../../local/aws/stack.ts';
import { createMonitorEnvironment } from '../../local/function-environment.ts';
import {
  generatedConnectionId,
  type HuaweiSimulator,
  startHuaweiSimulator,
} from '../../local/huawei-simulator/index.ts';

const PROJECT_ID = '4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9';
const REGION = 'cn-north-4';
const CREDENTIALS = { ak: 'FLEETBENCHMARKAK0001', sk: 'fleet-benchmark-secret-not-a-secret' };
const REVOKED = { ak: CREDENTIALS.ak, sk: 'the-secret-key-after-rotation-00001' };
/** Production settings (serverless.yml, prod stage). */
const PROD = {
  batchSize: 10,
  maximumConcurrency: 5,
  maxReceiveCount: 5,
  functionTimeoutMs: 30_000,
  visibilityTimeoutSeconds: 210,
};

/** What benchmarks 6 and 7 measured. */
export interface FleetFigures {
  lockout: { refusedCalls: number; keyLocked: boolean };
  backlog: {
    connections: number;
    rate: number;
    drainMs: number;
    /** Drain time over N / R, the least it could take. */
    drainRatio: number;
    throttledPerSuccess: number;
    deadLettered: number;
    duplicateMonitors: number;
    unmonitored: number;
  };
}

type Invoke = (records: SQSRecord[], context: Context) => Promise<SQSBatchResponse>;

/** Points the environment at the stand-ins, as serverless.yml's prod stage would set it. */
const useEnvironment = (aws: LocalAwsStack, huawei: HuaweiSimulator): void => {
  Object.assign(
    process.env,
    createMonitorEnvironment(
      {
        aws,
        huaweiEndpoint: huawei.endpoint,
        credentials: CREDENTIALS,
        projectId: PROJECT_ID,
        region: REGION,
        eventBusName: 'vpn-monitor-provisioner-fleet-bench',
        maxReceiveCount: PROD.maxReceiveCount,
      },
      { FUNCTION_TIMEOUT_SECONDS: String(PROD.functionTimeoutMs / 1000) },
    ),
  );
};

/** A cold container: what the handler module builds at import, built again. */
const newContainer = async (): Promise<Invoke> => {
  const { toQueueMessage } = (await import('../../handlers/create-monitor.ts')) as {
    toQueueMessage: (record: SQSRecord) => QueueMessage;
  };
  const deps = createDependencies(loadConfig(), createLogger());
  const provision = createProvisioner(deps);
  return async (records, context) => {
    deps.idempotency.config.registerLambdaContext(context);
    const outcomes = await provision(records.map(toQueueMessage), {
      requestId: context.awsRequestId,
      ...invocationBudget(context),
    });
    return {
      batchItemFailures: outcomes
        .filter((outcome) => outcome.status === 'retry-later')
        .map((outcome) => ({ itemIdentifier: outcome.messageId })),
    };
  };
};

const contextFor = (aws: LocalAwsStack): Context =>
  createLambdaContext(
    {
      functionName: 'createMonitor',
      region: aws.region,
      accountId: '000000000000',
      timeoutMs: PROD.functionTimeoutMs,
      memoryLimitInMB: 256,
    },
    newLogStreamName(),
  );

const record = (vpnConnectionId: string): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body: JSON.stringify({
    vpn_connection_id: vpnConnectionId,
    project_id: PROJECT_ID,
    region: REGION,
  }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:vpn-connection-created',
  awsRegion: 'eu-west-1',
});

/**
 * Benchmark 6: the key is proven, then revoked (the SK rotated on Huawei's side only); then 10
 * cold containers at once and 50 invocations one after the other over 5 containers, 10
 * records each. Counts the refused calls Huawei saw, then restores the key and checks it works.
 */
const benchmarkLockout = async (): Promise<FleetFigures['lockout']> => {
  const aws = await startLocalAwsStack();
  const huawei = await startHuaweiSimulator({
    credentials: [CREDENTIALS],
    projects: { [PROJECT_ID]: 700 },
  });
  try {
    useEnvironment(aws, huawei);
    let next = 0;
    const batch = () =>
      Array.from({ length: PROD.batchSize }, () =>
        record(generatedConnectionId(PROJECT_ID, next++)),
      );
    await (await newContainer())(batch(), contextFor(aws));
    huawei.setCredentials([REVOKED]);
    huawei.resetStats();
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => newContainer()));
    await Promise.all(concurrent.map((invoke) => invoke(batch(), contextFor(aws))));
    const sequential = await Promise.all(Array.from({ length: 5 }, () => newContainer()));
    for (let i = 0; i < 50; i++) {
      await (sequential[i % sequential.length] as Invoke)(batch(), contextFor(aws));
    }
    const { authFailures } = huawei.stats();
    // The key fixed on Huawei's side, one call straight to Huawei (no breaker): a locked key
    // would be refused even now.
    huawei.setCredentials([CREDENTIALS]);
    const { client } = createHuaweiAccess(loadConfig());
    const answered = await client
      .listMonitors({ projectId: PROJECT_ID, region: REGION }, undefined)
      .then(() => true)
      .catch(() => false);
    await client.close();
    return {
      refusedCalls: authFailures,
      keyLocked: !answered || huawei.stats().lockedRefusals > 0,
    };
  } finally {
    await huawei.stop();
    await aws.stop();
  }
};

const sendAll = async (sqs: SQSClient, queueUrl: string, bodies: readonly string[]) => {
  const batches = Array.from({ length: Math.ceil(bodies.length / 10) }, (_, i) =>
    bodies.slice(i * 10, i * 10 + 10),
  );
  for (let i = 0; i < batches.length; i += 20) {
    await Promise.all(
      batches.slice(i, i + 20).map((entries) =>
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: entries.map((body, j) => ({ Id: String(j), MessageBody: body })),
          }),
        ),
      ),
    );
  }
};

/**
 * Benchmark 7: `connections` messages queued at once, Huawei limiting the project to `rate`
 * calls a second (a token bucket answering 429 APIGW.0308), drained by the local event source
 * mapping with prod settings: batches of 10, 5 containers at most, 5 receives, a 30 s function
 * timeout and prod's 210 s visibility timeout (nothing shortened).
 */
const benchmarkBacklog = async (
  connections: number,
  rate: number,
  progress: (line: string) => void,
): Promise<FleetFigures['backlog']> => {
  const aws = await startLocalAwsStack({
    sqs: {
      visibilityTimeoutSeconds: PROD.visibilityTimeoutSeconds,
      maxReceiveCount: PROD.maxReceiveCount,
    },
  });
  const huawei = await startHuaweiSimulator({
    credentials: [CREDENTIALS],
    projects: { [PROJECT_ID]: connections },
    rateLimit: { requestsPerSecond: rate },
  });
  try {
    useEnvironment(aws, huawei);
    const ids = Array.from({ length: connections }, (_, i) => generatedConnectionId(PROJECT_ID, i));
    await sendAll(
      aws.clients.sqs,
      aws.sqs.queueUrl,
      ids.map((id) =>
        JSON.stringify({ vpn_connection_id: id, project_id: PROJECT_ID, region: REGION }),
      ),
    );
    const idle: Invoke[] = [];
    const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      const invoke = idle.pop() ?? (await newContainer());
      try {
        return await invoke(event.Records, context);
      } finally {
        idle.push(invoke);
      }
    };
    const started = performance.now();
    let handled = 0;
    let lastReport = 0;
    const mapping = runEventSourceMapping({
      sqs: aws.clients.sqs,
      queueUrl: aws.sqs.queueUrl,
      queueArn: aws.sqs.queueArn,
      handler,
      functionName: 'createMonitor',
      batchSize: PROD.batchSize,
      concurrency: PROD.maximumConcurrency,
      functionTimeoutMs: PROD.functionTimeoutMs,
      untilEmpty: true,
      onBatch: (report) => {
        handled += report.deleted;
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          progress(`  backlog: ${handled} of ${connections} handled`);
        }
      },
    });
    await mapping.finished;
    const drainMs = performance.now() - started;
    const stats = huawei.stats();
    const perConnection = new Map<string, number>();
    for (const monitor of huawei.monitors(PROJECT_ID)) {
      perConnection.set(
        monitor.vpn_connection_id,
        (perConnection.get(monitor.vpn_connection_id) ?? 0) + 1,
      );
    }
    const dlq = await aws.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.sqs.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const successes = stats.byStatus['201'] ?? 0;
    return {
      connections,
      rate,
      drainMs,
      drainRatio: drainMs / ((connections / rate) * 1000),
      throttledPerSuccess: (stats.byStatus['429'] ?? 0) / Math.max(1, successes),
      deadLettered:
        Number(dlq.Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(dlq.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      duplicateMonitors: [...perConnection.values()].filter((count) => count > 1).length,
      unmonitored: ids.filter((id) => !perConnection.has(id)).length,
    };
  } finally {
    await huawei.stop();
    await aws.stop();
  }
};

/** Runs benchmarks 6 and 7 with the given backlog size and Huawei rate limit. */
export const runFleetBenchmarks = async (
  settings: { backlog: number; rate: number },
  progress: (line: string) => void,
): Promise<FleetFigures> => {
  progress('6: lockout: 10 concurrent and 50 sequential invocations with a revoked key');
  const lockout = await benchmarkLockout();
  progress(`  ${lockout.refusedCalls} refused calls; key locked: ${lockout.keyLocked}`);
  progress(
    `7: backlog: ${settings.backlog} connections, Huawei limited to ${settings.rate} calls/s per project`,
  );
  const backlog = await benchmarkBacklog(settings.backlog, settings.rate, progress);
  progress(
    `  drained in ${(backlog.drainMs / 1000).toFixed(1)} s (${backlog.drainRatio.toFixed(2)}x N/R), ` +
      `${backlog.throttledPerSuccess.toFixed(3)} throttled per success, ${backlog.deadLettered} in the DLQ`,
  );
  return { lockout, backlog };
};
