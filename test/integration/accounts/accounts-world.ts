import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import { type LocalAwsStack, startLocalAwsStack } from '../../../local/aws/stack.ts';
import {
  type AccountsScenario,
  type AccountsScenarioOptions,
  type ScenarioAccount,
  startAccountsScenario,
} from '../../../local/aws/sts-accounts.ts';
import { createMonitorEnvironment } from '../../../local/function-environment.ts';
import {
  type HuaweiSimulator,
  startHuaweiSimulator,
} from '../../../local/huawei-simulator/index.ts';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The local world with three Huawei accounts, one per credential source, and the real handler. */
export interface AccountsWorld {
  aws: LocalAwsStack;
  huawei: HuaweiSimulator;
  scenario: AccountsScenario;
  /** The accounts by name: `payments` (static), `retail` (agency), `logistics` (oidc). */
  account(name: 'payments' | 'retail' | 'logistics'): ScenarioAccount;
  invoke(records: SQSRecord[]): Promise<SQSBatchResponse>;
  /** A new ACTIVE connection in the account's project. */
  newConnection(account: ScenarioAccount): string;
  stop(): Promise<void>;
}

/** The plain body for a connection of an account. */
export const bodyFor = (account: ScenarioAccount, vpnConnectionId: string): string =>
  JSON.stringify({
    vpn_connection_id: vpnConnectionId,
    project_id: account.projectId,
    region: account.region,
  });

/**
 * Starts the AWS stand-ins (with STS and Secrets Manager), the simulator with the scenario's
 * accounts, points the environment at them with the accounts document and no Huawei key at
 * all, then imports the real handler (a cold start).
 */
export const startAccountsWorld = async (
  options: AccountsScenarioOptions = {},
  env: Record<string, string> = {},
): Promise<AccountsWorld> => {
  const aws = await startLocalAwsStack({
    sqs: { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 },
  });
  const scenario = await startAccountsScenario(options);
  const huawei = await startHuaweiSimulator({ credentials: [], identity: scenario.identity });
  const environment = createMonitorEnvironment(
    {
      aws,
      huaweiEndpoint: huawei.endpoint,
      credentials: { ak: '', sk: '' },
      projectId: '',
      region: 'cn-north-4',
      eventBusName: 'vpn-monitor-provisioner-accounts-test',
      maxReceiveCount: 3,
    },
    {
      POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT',
      HUAWEI_ATTEMPT_TIMEOUT_MS: '2000',
      HUAWEI_RETRY_BASE_MS: '20',
      HUAWEI_RETRY_CAP_MS: '200',
      ...scenario.environmentFor(huawei.endpoint),
      ...env,
    },
  );
  // No Huawei key anywhere in the function's environment: only the accounts document.
  for (const name of ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_PROJECT_ID'])
    delete environment[name];
  for (const name of ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_PROJECT_ID'])
    delete process.env[name];
  Object.assign(process.env, environment);
  const { handler } = (await import('../../../handlers/create-monitor.ts')) as { handler: Handler };
  const logStream = newLogStreamName();
  const byName = (name: string): ScenarioAccount => {
    const found = scenario.accounts.find((a) => a.name === name);
    if (found === undefined) throw new Error(`no account ${name} in the scenario`);
    return found;
  };
  return {
    aws,
    huawei,
    scenario,
    account: byName,
    invoke: (records) =>
      handler(
        { Records: records },
        createLambdaContext(
          {
            functionName: 'createMonitor',
            region: aws.region,
            accountId: '000000000000',
            timeoutMs: 30_000,
            memoryLimitInMB: 256,
          },
          logStream,
        ),
      ),
    newConnection: (account) => huawei.addConnection(account.projectId, randomUUID()).id,
    stop: async () => {
      await huawei.stop();
      await scenario.stop();
      await aws.stop();
    },
  };
};
