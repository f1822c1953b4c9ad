import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedIds, plainBody, sqsRecord, startWorld, type World } from './harness.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

describe("a fault on one record does not hold up the batch's other events", () => {
  it('publishes the nine healthy records in one PutEvents while the tenth retries, then the tenth alone', async () => {
    // Prepare: ten connections; the last one's create fails once with a 500, and its retry is
    // answered slowly, so the others are long done by the time it is
    const ids = Array.from({ length: 10 }, () => world.newConnection());
    const faulted = ids[9] ?? '';
    world.huawei.injectFault({
      kind: 'status',
      status: 500,
      operation: 'create',
      connectionId: faulted,
    });
    world.huawei.injectFault({
      kind: 'delay',
      ms: 500,
      operation: 'create',
      connectionId: faulted,
    });
    const before = world.aws.eventBridge.stats();
    // Act
    const response = await world.invoke(ids.map((id) => sqsRecord(plainBody(id))));
    // Assess: every record handled, each connection one monitor and one event; the healthy
    // nine went in one call without waiting for the tenth, which went in a call of its own
    expect(failedIds(response)).toEqual([]);
    for (const id of ids) {
      expect(world.monitorsFor(id)).toHaveLength(1);
      expect(world.eventsFor(id)).toHaveLength(1);
    }
    expect(world.aws.eventBridge.stats().requests - before.requests).toBe(2);
    const lastTime = Date.parse(world.eventsFor(faulted)[0]?.time ?? '');
    for (const id of ids.slice(0, 9)) {
      expect(Date.parse(world.eventsFor(id)[0]?.time ?? '')).toBeLessThan(lastTime);
    }
  });
});
