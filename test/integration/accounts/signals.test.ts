import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, sqsRecord } from '../harness.ts';
import { type AccountsWorld, bodyFor, startAccountsWorld } from './accounts-world.ts';

// The scan of test/integration/signals.test.ts, for the keyless and agency accounts: the static
// key, every temporary credential Huawei issued and every AWS web identity token.
let world: AccountsWorld;
let captured = '';
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

beforeAll(async () => {
  world = await startAccountsWorld({}, { POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  const capture = (chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});

afterAll(async () => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  await world?.stop();
});

describe('logs, events and DLQ reasons with three accounts', () => {
  it('never carry a key, a temporary credential or a web identity token', async () => {
    // Prepare: a record per account succeeds; then Huawei's temporary credentials expire and
    // its refusals (which name the access key) come back on the last delivery
    const names = ['payments', 'retail', 'logistics'] as const;
    const first = names.map((name) => {
      const account = world.account(name);
      return sqsRecord(bodyFor(account, world.newConnection(account)));
    });
    const ok = await world.invoke(first);
    world.huawei.identity.expireIssued();
    const last = await world.invoke(
      names.slice(1).map((name) => {
        const account = world.account(name);
        return sqsRecord(bodyFor(account, world.newConnection(account)), { receiveCount: 3 });
      }),
    );
    const dlq = await world.aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.aws.sqs.dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );

    // Assess: the scenario happened: successes, then refusals dead-lettered on the last delivery
    expect(failedIds(ok)).toEqual([]);
    expect(failedIds(last)).toEqual([]);
    const reasons = (dlq.Messages ?? []).map(
      (m) => m.MessageAttributes?.vpn_monitor_failure?.StringValue ?? '',
    );
    expect(reasons).toHaveLength(2);
    expect(reasons.join('\n')).toContain('has expired');
    expect(captured).toContain('Huawei refused the credentials of an account');
    // and no secret is anywhere a person or a consumer can read
    const secrets = [
      world.scenario.centralKey.ak,
      world.scenario.centralKey.sk,
      ...world.huawei.identity.issuedCredentials().flatMap((c) => [c.ak, c.sk, c.securityToken]),
      ...world.scenario.sts.tokens(),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(2 + 3 * 2 + 1);
    const readable = [
      captured,
      reasons.join('\n'),
      JSON.stringify(world.aws.eventBridge.events()),
    ].join('\n');
    for (const secret of secrets) expect(readable).not.toContain(secret);
    expect(readable.toLowerCase()).not.toContain('authorization');
  });
});
