import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, sqsRecord } from '../harness.ts';
import { type AccountsWorld, bodyFor, startAccountsWorld } from './accounts-world.ts';
import { dlqReasons, traceOf } from './traces.ts';

let world: AccountsWorld;

beforeAll(async () => {
  world = await startAccountsWorld();
});
afterAll(async () => {
  await world?.stop();
});

describe('createMonitor across three accounts, one per credential source', () => {
  it('creates each connection monitor in its own account, with credentials obtained once per account', async () => {
    // Prepare: two connections in each account, in one batch
    const connections = ['payments', 'retail', 'logistics'].flatMap((name) => {
      const account = world.account(name as 'payments');
      return [world.newConnection(account), world.newConnection(account)].map((id) => ({
        account,
        id,
      }));
    });

    // Act
    const response = await world.invoke(
      connections.map(({ account, id }) => sqsRecord(bodyFor(account, id))),
    );

    // Assess: every record handled, one monitor each in the right project, one event each
    expect(failedIds(response)).toEqual([]);
    for (const { account, id } of connections) {
      expect(
        world.huawei.monitors(account.projectId).filter((m) => m.vpn_connection_id === id),
      ).toHaveLength(1);
    }
    expect(world.aws.eventBridge.events()).toHaveLength(6);
    // and the temporary credentials were cached: one agency assumption, one OIDC exchange,
    // one web identity token, one read of the static key's secret
    expect(world.huawei.identity.stats().issued).toEqual({
      assume: 1,
      'assume-with-oidc': 1,
      securitytokens: 0,
    });
    expect(world.scenario.sts.issued()).toBe(1);
    expect(world.scenario.secrets.reads()).toBe(1);
    // the OIDC account lists "discover": its projects came from IAM
    expect(world.huawei.identity.stats().projectListings).toBe(1);
  });

  it('dead-letters a message for a project no account owns, naming the project', async () => {
    // Prepare
    const stranger = 'eeee0000000000000000000000000000';
    const body = JSON.stringify({
      vpn_connection_id: 'cae286f2-demo-a8df-va86-e22416ca1220',
      project_id: stranger,
      region: 'cn-north-4',
    });

    // Act
    const response = await world.invoke([sqsRecord(body)]);
    const dlq = await world.aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.aws.sqs.dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        // Kept out of sight: the next test reads the same queue.
        VisibilityTimeout: 300,
      }),
    );

    // Assess: not retried, in the DLQ at once with reason unknown-project, and no Huawei call
    expect(failedIds(response)).toEqual([]);
    const reasons = (dlq.Messages ?? []).map((m) =>
      JSON.parse(m.MessageAttributes?.vpn_monitor_failure?.StringValue ?? '{}'),
    );
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ kind: 'unknown-project', project_id: stranger });
    expect(reasons[0].message).toMatch(
      new RegExp(`Project ${stranger} belongs to no account of the accounts document`),
    );
  });

  it("dead-letters a trace whose account (domain_id) is not the project's", async () => {
    // Prepare: a CTS trace of a connection in the payments project, said to come from retail
    const payments = world.account('payments');
    const id = world.newConnection(payments);
    const trace = traceOf(id, {
      projectId: payments.projectId,
      // The top-level domain_id alone names the account (user.domain.id: trace-account.test.ts).
      domainId: world.account('retail').domainId,
    });

    // Act
    const result = await world.invoke([sqsRecord(trace)]);
    const reasons = await dlqReasons(world);

    // Assess: no monitor made with the wrong account's say-so; the reason names both accounts
    expect(failedIds(result)).toEqual([]);
    expect(
      world.huawei.monitors(payments.projectId).filter((m) => m.vpn_connection_id === id),
    ).toEqual([]);
    expect(reasons.map((r) => r.kind)).toEqual(['unknown-project']);
    expect(String(reasons[0]?.message)).toMatch(
      new RegExp(
        `belongs to account payments .* but the event came from domain ${world.account('retail').domainId}`,
      ),
    );
  });
});
