import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, sqsRecord } from '../harness.ts';
import { type AccountsWorld, bodyFor, startAccountsWorld } from './accounts-world.ts';

let world: AccountsWorld;

beforeAll(async () => {
  world = await startAccountsWorld();
});
afterAll(async () => {
  await world?.stop();
});

describe('an agency refused in one account', () => {
  it("stops that account's records only, and they succeed once the agency is back", async () => {
    // Prepare: the retail agency no longer trusts anyone; one batch for all three accounts
    const retail = world.account('retail');
    world.huawei.identity.setAgencyRevoked(retail.domainId, 'vpn-monitor', true);
    const records = ['payments', 'retail', 'logistics', 'retail'].map((name) => {
      const account = world.account(name as 'retail');
      const id = world.newConnection(account);
      return { account, id, record: sqsRecord(bodyFor(account, id)) };
    });

    // Act
    const first = await world.invoke(records.map((r) => r.record));
    world.huawei.identity.setAgencyRevoked(retail.domainId, 'vpn-monitor', false);
    const retried = records.filter((r) => r.account.name === 'retail');
    const second = await world.invoke(
      retried.map((r) => sqsRecord(r.record.body, { receiveCount: 2 })),
    );

    // Assess: the retail records were left for redelivery, the others created at once
    expect(failedIds(first).sort()).toEqual(retried.map((r) => r.record.messageId).sort());
    expect(failedIds(second)).toEqual([]);
    for (const { account, id } of records) {
      expect(
        world.huawei.monitors(account.projectId).filter((m) => m.vpn_connection_id === id),
      ).toHaveLength(1);
    }
    // one refused assumption (the second record of the account never asked), then one that worked
    expect(world.huawei.identity.stats().refused.assume).toBe(1);
    expect(world.huawei.identity.stats().issued.assume).toBe(1);
  });
});
