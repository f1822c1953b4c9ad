import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import type { LocalAwsStack } from '../../../local/aws/stack.ts';
import {
  type AccountsScenario,
  type AccountsScenarioOptions,
  type ScenarioAccount,
  startAccountsScenario,
} from '../../../local/aws/sts-accounts.ts';
import { startCreateMonitorWorld } from '../../../local/function-environment.ts';
import type { HuaweiSimulator } from '../../../local/huawei-simulator/index.ts';

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
 * all, then imports the real handler (a cold start). `environment` adds variables (or derives
 * them from the scenario); the handler module is imported once per test file, so one world each.
 */
export const startAccountsWorld = async (
  options: AccountsScenarioOptions = {},
  environment:
    | Record<string, string>
    | ((scenario: AccountsScenario) => Record<string, string>) = {},
): Promise<AccountsWorld> => {
  const scenario = await startAccountsScenario(options);
  const env = typeof environment === 'function' ? environment(scenario) : environment;
  const { aws, huawei, handler } = await startCreateMonitorWorld(
    {
      visibilityTimeoutSeconds: 1,
      credentials: { ak: '', sk: '' },
      projectId: '',
      region: 'cn-north-4',
      eventBusName: 'vpn-monitor-provisioner-accounts-test',
      maxReceiveCount: 3,
    },
    (simulator) => ({
      POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT',
      HUAWEI_ATTEMPT_TIMEOUT_MS: '2000',
      HUAWEI_RETRY_BASE_MS: '20',
      HUAWEI_RETRY_CAP_MS: '200',
      ...scenario.environmentFor(simulator.endpoint),
      ...env,
      // No Huawei key anywhere in the function's environment: only the accounts document.
      // No default project either, unless the test asks for one.
      HUAWEICLOUD_SDK_AK: undefined,
      HUAWEICLOUD_SDK_SK: undefined,
      HUAWEICLOUD_PROJECT_ID: env.HUAWEICLOUD_PROJECT_ID,
    }),
    { credentials: [], identity: scenario.identity },
  );
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
