import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { HuaweiCredentials } from '../lib/huawei/signer.ts';
import { type LocalAwsStack, startLocalAwsStack } from './aws/stack.ts';
import {
  type HuaweiSimulator,
  type HuaweiSimulatorOptions,
  startHuaweiSimulator,
} from './huawei-simulator/index.ts';

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

/** createMonitor's handler as a local caller invokes it (the Lambda entry point, unwrapped of types). */
export type CreateMonitorHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** What {@link startCreateMonitorWorld} starts: where createMonitor runs, and its real handler. */
export interface CreateMonitorWorld {
  aws: LocalAwsStack;
  huawei: HuaweiSimulator;
  handler: CreateMonitorHandler;
}

/**
 * Starts the stand-ins createMonitor needs (the local AWS stack, a Huawei simulator that knows
 * `credentials` and `projectId`, or as `simulator` says), points the environment at them, then
 * imports the real handler module, which reads its configuration at import, as a cold start
 * does. `npm start` and the integration tests both start their world here. `tuning` (given the
 * simulator, whose endpoint it may need) is passed to {@link createMonitorEnvironment}; a
 * variable it maps to `undefined` is left unset.
 */
export const startCreateMonitorWorld = async (
  setting: Omit<LocalFunctionSetting, 'aws' | 'huaweiEndpoint'> & {
    visibilityTimeoutSeconds: number;
    /** Another build of the handler to run (a bundle's path or URL); default the source. */
    handlerModule?: string | undefined;
  },
  tuning:
    | Record<string, string | undefined>
    | ((huawei: HuaweiSimulator) => Record<string, string | undefined>) = {},
  simulator: HuaweiSimulatorOptions = {
    credentials: [setting.credentials],
    projects: { [setting.projectId]: 0 },
  },
): Promise<CreateMonitorWorld> => {
  const { visibilityTimeoutSeconds, handlerModule, ...function_ } = setting;
  const aws = await startLocalAwsStack({
    sqs: { visibilityTimeoutSeconds, maxReceiveCount: setting.maxReceiveCount },
  });
  const huawei = await startHuaweiSimulator(simulator);
  const wanted = Object.entries(typeof tuning === 'function' ? tuning(huawei) : tuning);
  const set = Object.fromEntries(
    wanted.filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const environment = createMonitorEnvironment(
    { ...function_, aws, huaweiEndpoint: huawei.endpoint },
    set,
  );
  for (const [name, value] of wanted) {
    if (value !== undefined) continue;
    delete environment[name];
    delete process.env[name];
  }
  Object.assign(process.env, environment);
  const { handler } = (await (handlerModule === undefined
    ? import('../handlers/create-monitor.ts')
    : import(handlerModule))) as {
    handler: CreateMonitorHandler;
  };
  return { aws, huawei, handler };
};
