import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDocumentSource, loadAccountsDocument } from '../../../lib/accounts/document.ts';
import {
  createAccountRegistry,
  createWebIdentityTokenSource,
} from '../../../lib/accounts/registry.ts';
import { RESERVE_FOR_SETTLEMENT_MS } from '../../../lib/aws/invocation-budget.ts';
import { createWebIdentityTokenRequester } from '../../../lib/aws/sts.ts';
import { loadConfig } from '../../../lib/config/index.ts';
import { createHuaweiIdentityClient } from '../../../lib/huawei/huawei-identity.ts';
import { HuaweiVpnClient } from '../../../lib/huawei/vpn-client.ts';
import { createLogger } from '../../../lib/log.ts';
import { createDependencies } from '../../../lib/provision/dependencies.ts';
import { createProvisioner } from '../../../lib/provision/process-messages.ts';
import { type LocalAwsStack, startLocalAwsStack } from '../../../local/aws/stack.ts';
import { type AccountsScenario, startAccountsScenario } from '../../../local/aws/sts-accounts.ts';
import { createMonitorEnvironment } from '../../../local/function-environment.ts';
import {
  type HuaweiSimulator,
  startHuaweiSimulator,
} from '../../../local/huawei-simulator/index.ts';
import { bodyFor } from './accounts-world.ts';

const MINUTE = 60_000;
const START = Date.now();
let aws: LocalAwsStack;
let scenario: AccountsScenario;
let sim: HuaweiSimulator;
// Time moves on four minutes with every monitor created in the retail account: the batch
// outlives its 15-minute agency credentials. Huawei, the signer and the cache share this clock.
const clock = (): number =>
  START + (sim ? sim.monitors(scenario.accounts[1]?.projectId).length * 4 * MINUTE : 0);

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
  aws = await startLocalAwsStack();
  scenario = await startAccountsScenario();
  sim = await startHuaweiSimulator({ credentials: [], identity: scenario.identity, now: clock });
});
afterAll(async () => {
  await sim?.stop();
  await scenario?.stop();
  await aws?.stop();
});

describe('temporary credentials that expire during a batch', () => {
  it('are renewed before they expire, so no record of the batch is refused', async () => {
    // Prepare: the function's configuration on the local stack, with the scenario's accounts
    const env = {
      ...createMonitorEnvironment(
        {
          aws,
          huaweiEndpoint: sim.endpoint,
          credentials: { ak: '', sk: '' },
          projectId: '',
          region: 'cn-north-4',
          eventBusName: 'refresh-test',
          maxReceiveCount: 3,
        },
        { RECORD_CONCURRENCY: '1', ...scenario.environmentFor(sim.endpoint) },
      ),
      HUAWEICLOUD_SDK_AK: '',
      HUAWEICLOUD_SDK_SK: '',
      HUAWEICLOUD_PROJECT_ID: '',
    };
    // The AWS SDK clients of createDependencies read their endpoints from the environment.
    Object.assign(process.env, aws.environment);
    const config = loadConfig(env);
    const secrets = new SecretsManagerClient({
      region: aws.region,
      endpoint: scenario.secrets.endpoint,
      credentials: aws.credentials,
    });
    const readSecret = async (id: string) =>
      (await secrets.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    const identity = createHuaweiIdentityClient({
      endpoints: config.identityEndpoints,
      attemptTimeoutMs: 2_000,
      now: () => new Date(clock()),
    });
    const accounts = createAccountRegistry({
      loadDocument: () =>
        loadAccountsDocument(
          config.accountsDocument,
          { readSecret, readParameter: () => Promise.resolve(undefined) },
          config.defaultRegion,
        ),
      where: describeDocumentSource(config.accountsDocument),
      readSecret,
      identity,
      webIdentity: createWebIdentityTokenSource(createWebIdentityTokenRequester()),
      now: clock,
    });
    const client = new HuaweiVpnClient({
      endpoint: config.vpnEndpoint,
      credentials: { forTarget: (target) => accounts.forTarget(target) },
      attemptTimeoutMs: 2_000,
      now: () => new Date(clock()),
    });
    const base = createDependencies(config, createLogger());
    const provision = createProvisioner({
      ...base,
      sqs: aws.clients.sqs,
      publisher: { ...base.publisher, client: aws.clients.eventBridge },
      accounts,
      client,
    });
    const retail = scenario.accounts[1];
    if (retail === undefined) throw new Error('the scenario has no retail account');
    const ids = Array.from(
      { length: 6 },
      () => sim.addConnection(retail.projectId, randomUUID()).id,
    );

    // Act: one batch of six records, 20 minutes of Huawei time
    const outcomes = await provision(
      ids.map((id) => ({
        messageId: randomUUID(),
        body: bodyFor(retail, id),
        receiveCount: 1,
        messageAttributes: {},
      })),
      {
        requestId: randomUUID(),
        deadline: Date.now() + 30_000,
        reserveForSettlementMs: RESERVE_FOR_SETTLEMENT_MS,
        signal: new AbortController().signal,
      },
    );
    await client.close();
    identity.close();
    secrets.destroy();

    // Assess: every record created, the agency assumed twice (renewed mid-batch), never refused
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('created'));
    expect(sim.monitors(retail.projectId)).toHaveLength(6);
    expect(sim.identity.stats().issued.assume).toBe(2);
    expect(sim.stats().authFailures).toBe(0);
  });
});
