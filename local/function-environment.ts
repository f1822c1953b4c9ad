import type { HuaweiCredentials } from '../lib/huawei/signer.ts';
import type { LocalAwsStack } from './aws/stack.ts';

/** Where createMonitor runs locally: the stand-ins, the simulator, and as whom. */
export interface LocalFunctionSetting {
  aws: LocalAwsStack;
  huaweiEndpoint: string;
  credentials: HuaweiCredentials;
  projectId: string;
  region: string;
  eventBusName: string;
  maxReceiveCount: number;
}

/**
 * The environment createMonitor reads at cold start, pointed at the local stack: what
 * serverless.yml gives it in AWS, with the AWS SDK's endpoint overrides. Logs and metrics are
 * off unless `tuning` turns them on; `tuning` also sets the retry timings of a run.
 */
export const createMonitorEnvironment = (
  setting: LocalFunctionSetting,
  tuning: Record<string, string> = {},
): Record<string, string> => ({
  ...setting.aws.environment,
  AWS_LAMBDA_FUNCTION_NAME: 'createMonitor',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  HUAWEICLOUD_REGION: setting.region,
  HUAWEICLOUD_PROJECT_ID: setting.projectId,
  HUAWEICLOUD_VPN_ENDPOINT: setting.huaweiEndpoint,
  HUAWEICLOUD_SDK_AK: setting.credentials.ak,
  HUAWEICLOUD_SDK_SK: setting.credentials.sk,
  ...(setting.credentials.securityToken
    ? { HUAWEICLOUD_SDK_SECURITY_TOKEN: setting.credentials.securityToken }
    : {}),
  IDEMPOTENCY_TABLE_NAME: setting.aws.dynamoDb.tableName,
  EVENT_BUS_NAME: setting.eventBusName,
  DLQ_URL: setting.aws.sqs.dlqUrl,
  SOURCE_QUEUE_URL: setting.aws.sqs.queueUrl,
  MAX_RECEIVE_COUNT: String(setting.maxReceiveCount),
  ...tuning,
});
