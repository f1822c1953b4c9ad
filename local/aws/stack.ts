import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type LocalDynamoDb, startDynamoDb } from './dynamodb.ts';
import {
  type EventBridgeSink,
  type EventBridgeSinkOptions,
  startEventBridgeSink,
} from './eventbridge-sink.ts';
import { DEFAULT_LOCAL_REGION, LOCAL_CREDENTIALS } from './loopback.ts';
import { type LocalSqs, type StartSqsOptions, startSqs } from './sqs.ts';

/** Options of {@link startLocalAwsStack}; every field has a default. */
export interface LocalAwsStackOptions {
  /** Default `eu-west-1`. */
  region?: string;
  sqs?: Omit<StartSqsOptions, 'region'>;
  /** Idempotency table name; default `vpn-monitor-provisioner-idempotency`. */
  tableName?: string;
  eventBridge?: EventBridgeSinkOptions;
}

/** SDK clients pointed at the stand-ins, with dummy static credentials. */
interface LocalAwsClients {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  eventBridge: EventBridgeClient;
}

/** The SQS, DynamoDB and EventBridge stand-ins, running together. */
export interface LocalAwsStack {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  sqs: LocalSqs;
  dynamoDb: LocalDynamoDb;
  eventBridge: EventBridgeSink;
  clients: LocalAwsClients;
  /**
   * The AWS SDK's own variables (`AWS_ENDPOINT_URL_SQS`, `_DYNAMODB`, `_EVENTBRIDGE`, region,
   * credentials) that point code creating its own clients at this stack.
   */
  environment: Record<string, string>;
  /** Destroys the clients and stops every stand-in. */
  stop(): Promise<void>;
}

const stopAll = async (stoppable: Array<{ stop(): Promise<void> }>): Promise<void> => {
  const results = await Promise.allSettled(stoppable.map((s) => s.stop()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) throw new AggregateError(failures, 'Some local stand-ins did not stop');
};

/**
 * Starts the SQS emulator (queue + DLQ), the DynamoDB emulator (idempotency table) and the
 * EventBridge sink, all on 127.0.0.1, and hands back ready SDK clients. If one fails to start,
 * the others are stopped before the error is thrown.
 */
export const startLocalAwsStack = async (
  options: LocalAwsStackOptions = {},
): Promise<LocalAwsStack> => {
  const region = options.region ?? DEFAULT_LOCAL_REGION;
  const tableName = options.tableName ?? 'vpn-monitor-provisioner-idempotency';
  const started = await Promise.allSettled([
    startSqs({ ...options.sqs, region }),
    startDynamoDb({ tableName, region }),
    startEventBridgeSink(options.eventBridge),
  ] as const);
  const [sqs, dynamoDb, eventBridge] = started;
  if (
    sqs.status !== 'fulfilled' ||
    dynamoDb.status !== 'fulfilled' ||
    eventBridge.status !== 'fulfilled'
  ) {
    await stopAll(started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
    const reasons = started.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    throw new AggregateError(reasons, 'The local AWS stack did not start');
  }
  const config = { region, credentials: LOCAL_CREDENTIALS };
  const clients: LocalAwsClients = {
    sqs: new SQSClient({ ...config, endpoint: sqs.value.endpoint }),
    dynamodb: new DynamoDBClient({ ...config, endpoint: dynamoDb.value.endpoint }),
    eventBridge: new EventBridgeClient({ ...config, endpoint: eventBridge.value.endpoint }),
  };
  return {
    region,
    credentials: { ...LOCAL_CREDENTIALS },
    sqs: sqs.value,
    dynamoDb: dynamoDb.value,
    eventBridge: eventBridge.value,
    clients,
    environment: {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqs.value.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.value.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.value.endpoint,
    },
    stop: async () => {
      clients.sqs.destroy();
      clients.dynamodb.destroy();
      clients.eventBridge.destroy();
      await stopAll([sqs.value, dynamoDb.value, eventBridge.value]);
    },
  };
};
