/**
 * Benchmark child: every dependency of the handler, in one process of its own on loopback: the
 * SQS emulator, DynamoDB emulator (behind a proxy that can delay it), EventBridge sink and the
 * Huawei VPN API simulator. The parent sets their latency over IPC.
 */
import { startLocalAwsStack } from '../../local/aws/stack.ts';
import { startHuaweiSimulator } from '../../local/huawei-simulator/index.ts';
import { serveParent } from '../lib/children.ts';
import { startDelayProxy } from './delay-proxy.ts';

/** What the stand-ins announce: the handler's environment and the simulator's project. */
export interface StandInsReady {
  environment: Record<string, string>;
  projectId: string;
}

const PROJECT_ID = '7c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5';
const REGION = 'cn-north-4';
const CREDENTIALS = { ak: 'BENCHMARKSTANDINAK001', sk: 'benchmark-stand-in-secret-not-a-secret' };

const connections = Number(process.argv[2] ?? 1000);

const aws = await startLocalAwsStack({ sqs: { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 } });
const huawei = await startHuaweiSimulator({
  credentials: [CREDENTIALS],
  projects: { [PROJECT_ID]: connections },
});
const dynamoDbProxy = await startDelayProxy(new URL(aws.dynamoDb.endpoint));
// Counting proxies in front of SQS and EventBridge: every AWS call of the handler is counted.
const sqsProxy = await startDelayProxy(new URL(aws.environment.AWS_ENDPOINT_URL_SQS ?? ''));
const eventBridgeProxy = await startDelayProxy(
  new URL(aws.environment.AWS_ENDPOINT_URL_EVENTBRIDGE ?? ''),
);

const ready: StandInsReady = {
  projectId: PROJECT_ID,
  environment: {
    ...aws.environment,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbProxy.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsProxy.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeProxy.endpoint,
    HUAWEICLOUD_REGION: REGION,
    HUAWEICLOUD_PROJECT_ID: PROJECT_ID,
    HUAWEICLOUD_VPN_ENDPOINT: huawei.endpoint,
    HUAWEICLOUD_SDK_AK: CREDENTIALS.ak,
    HUAWEICLOUD_SDK_SK: CREDENTIALS.sk,
    IDEMPOTENCY_TABLE_NAME: aws.dynamoDb.tableName,
    EVENT_BUS_NAME: 'vpn-monitor-provisioner-bench',
    DLQ_URL: aws.sqs.dlqUrl,
    SOURCE_QUEUE_URL: aws.sqs.queueUrl,
  },
};

serveParent(
  {
    /** Every dependency answers `ms` later: Huawei, DynamoDB and EventBridge alike. */
    setLatency: (params) => {
      const { ms } = params as { ms: number };
      huawei.setLatency(ms);
      aws.eventBridge.setDelayMs(ms);
      dynamoDbProxy.setDelayMs(ms);
      return undefined;
    },
    /** AWS calls the handlers made so far, per service. */
    awsCalls: () => ({
      dynamodb: dynamoDbProxy.requests(),
      sqs: sqsProxy.requests(),
      eventbridge: eventBridgeProxy.requests(),
    }),
  },
  ready,
);
