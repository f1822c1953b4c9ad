import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, sqsRecord } from '../harness.ts';
import { type AccountsWorld, startAccountsWorld } from './accounts-world.ts';
import { monitorsOf, traceOf } from './traces.ts';

describe('a Cloud Trace trace in a deployment of one account', () => {
  let world: AccountsWorld;

  beforeAll(async () => {
    // The scenario's static account alone, with its project as the deployment's default.
    world = await startAccountsWorld({}, (scenario) => ({
      ACCOUNTS_DOCUMENT: JSON.stringify({ accounts: scenario.document.accounts.slice(0, 1) }),
      HUAWEICLOUD_PROJECT_ID: scenario.accounts[0]?.projectId ?? '',
    }));
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('still takes the default project when it has no project_id', async () => {
    // Prepare
    const payments = world.account('payments');
    const id = world.newConnection(payments);

    // Act
    const response = await world.invoke([
      sqsRecord(traceOf(id, { userDomainId: payments.domainId })),
    ]);

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(monitorsOf(world, payments, id)).toHaveLength(1);
    expect(world.aws.eventBridge.events()).toHaveLength(1);
  });
});
