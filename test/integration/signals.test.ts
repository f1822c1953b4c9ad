import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, plainBody, sqsRecord, startWorld, type World } from './harness.ts';

// Temporary credentials, so the security token takes part too. Distinctive values, so a leak
// anywhere is found by a plain text search.
const SECRET = {
  ak: 'SIGNALSTESTAKXK4Q9ZT',
  sk: 'signals-test-sk-8d1f0c6a2b9e4f7a',
  securityToken: 'signals-test-security-token-5e3b7d91c04a',
};

let world: World;
let captured = '';
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

beforeAll(async () => {
  world = await startWorld(
    { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' },
    { credentials: SECRET },
  );
  // Kept, not echoed: the test reads what the function wrote; CI's log need not show it.
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

describe('logs, metrics, events and DLQ reasons', () => {
  it('never carry the access key, the secret key or the security token', async () => {
    // Prepare: one success, then credentials Huawei refuses (its error echoes the canonical
    // request, token included), on the last delivery so the reason is dead-lettered
    const good = world.newConnection();
    const refused = world.newConnection();
    // Act
    const ok = await world.invoke([sqsRecord(plainBody(good))]);
    world.huawei.setCredentials([{ ...SECRET, sk: 'a-different-secret-key-000000000000' }]);
    const last = await world.invoke([sqsRecord(plainBody(refused), { receiveCount: 3 })]);
    const dlq = await world.drainDlq();
    // Assess: the scenario really happened
    expect(failedIds(ok)).toEqual([]);
    expect(failedIds(last)).toEqual([]);
    expect(dlq.map((m) => m.reason?.code)).toEqual(['APIGW.0301']);
    expect(captured).toContain('"level":"WARN"');
    expect(captured).toContain('Message sent to the dead-letter queue');
    // and nothing secret is anywhere a person or a consumer can read
    const readable = [
      captured,
      JSON.stringify(dlq),
      JSON.stringify(world.aws.eventBridge.events()),
    ].join('\n');
    for (const secret of Object.values(SECRET)) expect(readable).not.toContain(secret);
    expect(readable.toLowerCase()).not.toContain('authorization');
  });

  it('emits metrics in embedded metric format', async () => {
    // Assess (from the invocations above)
    const metricLines = captured.split('\n').filter((line) => line.includes('"_aws"'));
    const names = metricLines.flatMap((line) =>
      (
        JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } }
      )._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)),
    );
    expect(names).toEqual(
      expect.arrayContaining(['MonitorsCreated', 'DeadLettered', 'HuaweiAuthFailures']),
    );
  });
});
