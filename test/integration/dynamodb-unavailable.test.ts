import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, plainBody, sqsRecord, startWorld, type World } from './harness.ts';

let world: World;

beforeAll(async () => {
  // The idempotency table's endpoint refuses connections: nothing listens on port 9.
  world = await startWorld({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' });
});

afterAll(async () => {
  await world?.stop();
});

describe('DynamoDB unavailable', () => {
  it('calls nobody, publishes nothing and leaves every record for redelivery', async () => {
    // Prepare
    const records = [
      sqsRecord(plainBody(world.newConnection())),
      sqsRecord(plainBody(world.newConnection())),
    ];
    // Act
    const response = await world.invoke(records);
    // Assess: without the idempotency record, creating would risk a second event later
    expect(failedIds(response).sort()).toEqual(records.map((r) => r.messageId).sort());
    expect(world.huawei.stats().requests).toBe(0);
    expect(world.aws.eventBridge.events()).toHaveLength(0);
    expect(await world.drainDlq()).toHaveLength(0);
  });

  it('still dead-letters invalid input, which needs no idempotency record', async () => {
    // Prepare
    const record = sqsRecord('{"vpn_connection_id": 42}');
    // Act
    const response = await world.invoke([record]);
    // Assess
    expect(failedIds(response)).toEqual([]);
    const dlq = await world.drainDlq();
    expect(dlq.map((m) => m.reason?.kind)).toEqual(['invalid-input']);
  });
});
