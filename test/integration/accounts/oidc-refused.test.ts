import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconcileConfig } from '../../../lib/config/index.ts';
import { createReconcileDependencies, runReconcile } from '../../../lib/reconcile/reconcile.ts';
import { startAccountsScenario } from '../../../local/aws/sts-accounts.ts';
import { startHuaweiSimulator } from '../../../local/huawei-simulator/index.ts';
import { failedIds, sqsRecord } from '../harness.ts';
import { type AccountsWorld, bodyFor, startAccountsWorld } from './accounts-world.ts';

let world: AccountsWorld;

beforeAll(async () => {
  // The function asks AWS for a token with an audience the Huawei provider does not list.
  world = await startAccountsWorld({ audience: 'not-the-huawei-client-id' });
});
afterAll(async () => {
  await world?.stop();
});

describe('keyless accounts whose web identity token Huawei refuses', () => {
  it("leaves the OIDC account's records for redelivery while the other accounts' succeed", async () => {
    // Prepare
    const logistics = world.account('logistics');
    const payments = world.account('payments');
    const refused = world.newConnection(logistics);
    const served = world.newConnection(payments);
    const records = [sqsRecord(bodyFor(logistics, refused)), sqsRecord(bodyFor(payments, served))];

    // Act
    const response = await world.invoke(records);

    // Assess
    expect(failedIds(response)).toEqual([records[0]?.messageId]);
    expect(world.huawei.monitors(logistics.projectId)).toEqual([]);
    expect(world.huawei.monitors(payments.projectId)).toHaveLength(1);
    expect(world.huawei.identity.stats().refused['assume-with-oidc']).toBeGreaterThan(0);
  });

  it('says why in the reconcile dry run of that account: a wrong audience', async () => {
    // Act
    const deps = createReconcileDependencies(
      loadReconcileConfig(process.env),
      world.aws.clients.sqs,
    );
    const summary = await runReconcile(deps, {
      targets: [],
      account: 'logistics',
      queueUrl: undefined,
      dryRun: true,
      deleteOrphans: false,
    });
    await deps.close();

    // Assess: one row, the account's, failed with Huawei's reason
    expect(summary.targets).toHaveLength(1);
    expect(summary.targets[0]?.account).toBe('logistics');
    expect(summary.targets[0]?.error).toMatch(
      /Account logistics: Huawei STS assume-with-oidc .* HTTP 401 STS\.0301: The id_token is refused: the token audience \(aud\) is not a client id of the provider/,
    );
  });

  it('says why for a token of another role: the agency trusts only the function role', async () => {
    // Prepare: a second scenario whose AWS role is not the one the agency pins in oidc:sub
    const other = await startAccountsScenario({
      tokenRoleArn: 'arn:aws:iam::000000000000:role/someone-else',
    });
    const huawei = await startHuaweiSimulator({ credentials: [], identity: other.identity });
    const env = { ...process.env, ...other.environmentFor(huawei.endpoint) };
    const deps = createReconcileDependencies(loadReconcileConfig(env), world.aws.clients.sqs);
    // The AWS SDK reads AWS_ENDPOINT_URL_STS when its client is made: point it at this scenario.
    const previous = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = other.sts.endpoint;

    // Act
    const summary = await runReconcile(deps, {
      targets: [],
      account: 'logistics',
      queueUrl: undefined,
      dryRun: true,
      deleteOrphans: false,
    }).finally(async () => {
      process.env.AWS_ENDPOINT_URL_STS = previous;
      await deps.close();
      await huawei.stop();
      await other.stop();
    });

    // Assess
    expect(summary.targets[0]?.error).toMatch(
      /HTTP 403 STS\.0302: Agency assumption refused: .* does not trust the token's subject \(oidc:sub arn:aws:iam::000000000000:role\/someone-else\)/,
    );
  });
});
