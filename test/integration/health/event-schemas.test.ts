import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HealthRequest } from '../../../lib/health/index.ts';
import type { SinkEvent } from '../../../local/aws/eventbridge-sink.ts';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import { type Schema, validate } from '../../schemas/validate.ts';
import { PROJECT_ID, plainBody, REGION, sqsRecord, startWorld, type World } from '../harness.ts';

type HealthHandler = (event: HealthRequest | null, context: Context) => Promise<unknown>;

const schemaOf = (file: string): Schema =>
  JSON.parse(readFileSync(new URL(`../../../schemas/${file}`, import.meta.url), 'utf8')) as Schema;

/** The repo's schema of each event the functions publish, by detail type. */
const SCHEMAS: Record<string, Schema> = {
  'VPN Connection Monitor Created': schemaOf('vpn-connection-monitor-created.json'),
  'VPN Connection Health Changed': schemaOf('vpn-connection-health-changed.json'),
};

let world: World;
let events: SinkEvent[];

beforeAll(async () => {
  // Prepare: the real createMonitor creates monitors and publishes; the real health handler
  // then sees one connection go down, one come back, and one lose its monitor.
  world = await startWorld();
  process.env.HUAWEICLOUD_CES_ENDPOINT = world.huawei.endpoint;
  const ids = [world.newConnection(), world.newConnection(), world.newConnection()];
  await world.invoke(ids.map((id) => sqsRecord(plainBody(id))));
  vi.resetModules();
  const { handler } = (await import('../../../handlers/health.ts')) as { handler: HealthHandler };
  const run = () =>
    handler(
      { targets: [`${PROJECT_ID}:${REGION}`] },
      createLambdaContext(
        {
          functionName: 'health',
          region: world.aws.region,
          accountId: '000000000000',
          timeoutMs: 300_000,
          memoryLimitInMB: 256,
        },
        newLogStreamName(),
      ),
    );
  const [down, flapping] = ids as [string, string, string];
  world.huawei.setConnectionHealth(PROJECT_ID, down, { status: 0, lossPercent: 100 });
  world.huawei.setConnectionHealth(PROJECT_ID, flapping, { noData: true });
  await run();
  world.huawei.setConnectionHealth(PROJECT_ID, flapping, undefined);
  world.huawei.removeConnection(PROJECT_ID, down);
  await run();
  events = world.aws.eventBridge.events();
});

afterAll(async () => {
  delete process.env.HUAWEICLOUD_CES_ENDPOINT;
  await world?.stop();
});

describe('the events the functions publish', () => {
  it('are each described by the schema of their detail type in schemas/', () => {
    const byType = new Map<string, number>();
    for (const event of events) {
      byType.set(event.detailType, (byType.get(event.detailType) ?? 0) + 1);
      const schema = SCHEMAS[event.detailType];
      expect(schema, event.detailType).toBeDefined();
      expect(validate(schema as Schema, event.detail), JSON.stringify(event.detail)).toEqual([]);
    }
    expect(Object.fromEntries(byType)).toEqual({
      'VPN Connection Monitor Created': 3,
      // down at first sight, then gone; no data at first is no news, then healthy is
      'VPN Connection Health Changed': 3,
    });
  });

  it('would be caught breaking its schema', () => {
    const health = events.find((e) => e.detailType === 'VPN Connection Health Changed');
    const created = events.find((e) => e.detailType === 'VPN Connection Monitor Created');
    const schema = SCHEMAS['VPN Connection Health Changed'] as Schema;
    expect(validate(schema, { ...health?.detail, state: 'sad' })).not.toEqual([]);
    expect(validate(schema, { ...health?.detail, extra: 1 })).not.toEqual([]);
    const { event_id: _id, ...withoutId } = created?.detail ?? {};
    expect(validate(SCHEMAS['VPN Connection Monitor Created'] as Schema, withoutId)).toContain(
      '$: event_id is missing',
    );
  });
});
