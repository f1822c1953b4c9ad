import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioAccount } from '../../../local/aws/sts-accounts.ts';
import { failedIds, sqsRecord } from '../harness.ts';
import { type AccountsWorld, startAccountsWorld } from './accounts-world.ts';
import { dlqReasons, monitorsOf, traceOf } from './traces.ts';

describe('a Cloud Trace trace in a deployment of several accounts', () => {
  let world: AccountsWorld;
  let payments: ScenarioAccount;
  let retail: ScenarioAccount;

  beforeAll(async () => {
    // A default project is configured (the payments one): a trace must still never fall to it.
    world = await startAccountsWorld(
      {},
      { HUAWEICLOUD_PROJECT_ID: 'a1000000000000000000000000000001' },
    );
    payments = world.account('payments');
    retail = world.account('retail');
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('goes to the DLQ naming why when it has no project_id, never to the default project', async () => {
    // Prepare: a connection in the default project's account, announced without project_id
    expect(payments.projectId).toBe('a1000000000000000000000000000001');
    const id = world.newConnection(payments);

    // Act
    const response = await world.invoke([
      sqsRecord(traceOf(id, { userDomainId: payments.domainId })),
    ]);
    const reasons = await dlqReasons(world);

    // Assess: settled (not retried), no monitor, and the reason says the project cannot be known
    expect(failedIds(response)).toEqual([]);
    expect(monitorsOf(world, payments, id)).toEqual([]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ kind: 'unknown-project', vpn_connection_id: id });
    expect(reasons[0]).not.toHaveProperty('project_id');
    expect(String(reasons[0]?.message)).toMatch(
      /names no project_id, and the accounts document \(ACCOUNTS_DOCUMENT\) lists 3 accounts/,
    );
  });

  it("goes to the DLQ when its user.domain.id is another account's than its project's", async () => {
    // Prepare: a connection in the payments project, whose trace says retail made it
    const id = world.newConnection(payments);

    // Act
    const response = await world.invoke([
      sqsRecord(traceOf(id, { projectId: payments.projectId, userDomainId: retail.domainId })),
    ]);
    const reasons = await dlqReasons(world);

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(monitorsOf(world, payments, id)).toEqual([]);
    expect(reasons.map((r) => r.kind)).toEqual(['unknown-project']);
    expect(String(reasons[0]?.message)).toMatch(
      new RegExp(
        `belongs to account payments \\(domain ${payments.domainId}\\), but the event came from domain ${retail.domainId}`,
      ),
    );
  });

  it('creates the monitor when user.domain.id and project_id agree', async () => {
    // Prepare
    const id = world.newConnection(retail);

    // Act
    const response = await world.invoke([
      sqsRecord(traceOf(id, { projectId: retail.projectId, userDomainId: retail.domainId })),
    ]);

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(monitorsOf(world, retail, id)).toHaveLength(1);
  });
});
