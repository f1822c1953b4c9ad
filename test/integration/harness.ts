import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { invocationBudget } from '../../lib/aws/invocation-budget.ts';
import { loadConfig } from '../../lib/config/index.ts';
import { createLogger } from '../../lib/log.ts';
import { createDependencies } from '../../lib/provision/dependencies.ts';
import { createProvisioner } from '../../lib/provision/process-messages.ts';
import type { QueueMessage } from '../../lib/provision/types.ts';
import type { SinkEvent } from '../../local/aws/eventbridge-sink.ts';
import { createLambdaContext, newLogStreamName } from '../../local/aws/lambda-context.ts';
import type { LocalAwsStack } from '../../local/aws/stack.ts';
import {
  type CreateMonitorHandler,
  startCreateMonitorWorld,
} from '../../local/function-environment.ts';
import type { HuaweiSimulator, MonitorSnapshot } from '../../local/huawei-simulator/index.ts';

/** The project every integration test works in. */
export const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
export const REGION = 'cn-north-4';
export const CREDENTIALS = { ak: 'INTEGRATIONTESTAK0001', sk: 'integration-test-secret-key-0001' };

/** A running local world: AWS stand-ins, the Huawei simulator, and the real handler module. */
export interface World {
  aws: LocalAwsStack;
  huawei: HuaweiSimulator;
  handler: CreateMonitorHandler;
  /** Calls the handler as Lambda would, with a context that has `timeoutMs` left. */
  invoke(records: SQSRecord[], timeoutMs?: number): Promise<SQSBatchResponse>;
  /**
   * Another Lambda container: its own clients, cached credentials, pacer and breaker, the same
   * environment and the same DynamoDB table. Returns its invoke.
   */
  /** A fresh container; `now` replaces its clock (the provisioner's injected clock). */
  newContainer(options?: {
    now?: () => number;
  }): (records: SQSRecord[], timeoutMs?: number) => Promise<SQSBatchResponse>;
  /** Deletes every credential breaker item (what the README's runbook tells operators). */
  clearBreakers(): Promise<void>;
  /** A new ACTIVE VPN connection in the simulator. */
  newConnection(): string;
  /** The connection's monitors in the simulator. */
  monitorsFor(vpnConnectionId: string): MonitorSnapshot[];
  /** The "monitor created" events on the bus about the connection. */
  eventsFor(vpnConnectionId: string): SinkEvent[];
  /** Everything in the DLQ, with the parsed failure reason. */
  drainDlq(): Promise<{ body: string; reason: Record<string, unknown> | undefined }[]>;
  stop(): Promise<void>;
}

/**
 * Starts the stand-ins, points the environment at them, then imports the real handler module
 * (it reads its configuration at import, like a cold start). `env` adds or overrides variables.
 */
export const startWorld = async (
  env: Record<string, string> = {},
  options: { credentials?: { ak: string; sk: string; securityToken?: string } } = {},
): Promise<World> => {
  const { aws, huawei, handler } = await startCreateMonitorWorld(
    {
      visibilityTimeoutSeconds: 1,
      credentials: options.credentials ?? CREDENTIALS,
      projectId: PROJECT_ID,
      region: REGION,
      eventBusName: 'vpn-monitor-provisioner-test',
      maxReceiveCount: 3,
    },
    {
      POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT',
      HUAWEI_ATTEMPT_TIMEOUT_MS: '1000',
      HUAWEI_RETRY_BASE_MS: '20',
      HUAWEI_RETRY_CAP_MS: '200',
      ...env,
    },
  );
  const logStream = newLogStreamName();
  const { toQueueMessage } = (await import('../../handlers/create-monitor.ts')) as {
    toQueueMessage: (record: SQSRecord) => QueueMessage;
  };
  const contextFor = (timeoutMs: number) =>
    createLambdaContext(
      {
        functionName: 'createMonitor',
        region: aws.region,
        accountId: '000000000000',
        timeoutMs,
        memoryLimitInMB: 256,
      },
      logStream,
    );
  return {
    aws,
    huawei,
    handler,
    invoke: (records, timeoutMs = 30_000) =>
      handler(
        { Records: records },
        createLambdaContext(
          {
            functionName: 'createMonitor',
            region: aws.region,
            accountId: '000000000000',
            timeoutMs,
            memoryLimitInMB: 256,
          },
          logStream,
        ),
      ),
    newContainer: (options = {}) => {
      const deps = createDependencies(loadConfig(), createLogger());
      const provision = createProvisioner(options.now ? { ...deps, now: options.now } : deps);
      return async (records, timeoutMs = 30_000) => {
        const context = contextFor(timeoutMs);
        deps.idempotency.config.registerLambdaContext(context);
        const outcomes = await provision(records.map(toQueueMessage), {
          requestId: randomUUID(),
          ...invocationBudget(context),
        });
        return {
          batchItemFailures: outcomes
            .filter((outcome) => outcome.status === 'retry-later')
            .map((outcome) => ({ itemIdentifier: outcome.messageId })),
        };
      };
    },
    clearBreakers: async () => {
      const { dynamodb } = aws.clients;
      const items = await dynamodb.send(new ScanCommand({ TableName: aws.dynamoDb.tableName }));
      for (const item of items.Items ?? []) {
        if (!item.id?.S?.includes('.breaker#')) continue;
        await dynamodb.send(
          new DeleteItemCommand({ TableName: aws.dynamoDb.tableName, Key: { id: item.id } }),
        );
      }
    },
    newConnection: () => huawei.addConnection(PROJECT_ID, randomUUID()).id,
    monitorsFor: (id) => huawei.monitors(PROJECT_ID).filter((m) => m.vpn_connection_id === id),
    eventsFor: (id) => aws.eventBridge.events().filter((e) => e.detail.vpn_connection_id === id),
    drainDlq: async () => {
      const found: { body: string; reason: Record<string, unknown> | undefined }[] = [];
      for (;;) {
        const out = await aws.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: aws.sqs.dlqUrl,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 0,
            VisibilityTimeout: 60,
          }),
        );
        if (!out.Messages?.length) return found;
        for (const m of out.Messages) {
          const raw = m.MessageAttributes?.vpn_monitor_failure?.StringValue;
          found.push({
            body: m.Body ?? '',
            reason: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined,
          });
        }
        // Drained means gone: a message only hidden would come back to a later case once its
        // visibility timeout ran out, as another case's dead letter.
        await aws.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: aws.sqs.dlqUrl,
            Entries: out.Messages.map((m, i) => ({
              Id: String(i),
              ReceiptHandle: m.ReceiptHandle ?? '',
            })),
          }),
        );
      }
    },
    stop: async () => {
      await huawei.stop();
      await aws.stop();
    },
  };
};

/** An SQS record as Lambda delivers it, with the given body. */
export const sqsRecord = (
  body: string,
  options: { receiveCount?: number; messageId?: string; sentAt?: number } = {},
): SQSRecord => ({
  messageId: options.messageId ?? randomUUID(),
  receiptHandle: randomUUID(),
  body,
  attributes: {
    ApproximateReceiveCount: String(options.receiveCount ?? 1),
    SentTimestamp: String(options.sentAt ?? Date.now()),
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:vpn-connection-created',
  awsRegion: 'eu-west-1',
});

/** The plain body for a connection. */
export const plainBody = (vpnConnectionId: string): string =>
  JSON.stringify({ vpn_connection_id: vpnConnectionId, project_id: PROJECT_ID, region: REGION });

/** The ids of the failed records of a batch response. */
export const failedIds = (response: SQSBatchResponse): string[] =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);
