import type { SQSEvent } from 'aws-lambda';
import { parseConnectionCreated } from '../lib/events/parse.ts';
import type { DynamoDbRequest } from './aws/dynamodb.ts';
import type { CreateMonitorHandler } from './function-environment.ts';
import type { LoggedRequest } from './huawei-simulator/index.ts';

/**
 * Where a record's time goes, from "connection created" to "monitor created", read from what
 * the stand-ins saw (the simulator's and the DynamoDB emulator's request logs, the queue's
 * timestamps, the invocations' start times, the event bus's arrival times). Nothing is
 * measured inside the function, so production pays nothing for it.
 */

/** One record of one invocation: which connections it named, when it was queued and handled. */
interface Delivery {
  connectionIds: readonly string[];
  /** The message's `SentTimestamp`, epoch ms. */
  sentAt: number;
  receiveCount: number;
  /** When the invocation that got it started and ended. */
  startedAt: number;
  endedAt: number;
}

/** Records every delivery a wrapped handler is given. */
export interface DeliveryLog {
  handler: CreateMonitorHandler;
  deliveries(): readonly Delivery[];
}

/** Wraps createMonitor's handler to note each record's delivery; the handler is unchanged. */
export const logDeliveries = (
  handler: CreateMonitorHandler,
  defaults: { projectId: string; region: string },
): DeliveryLog => {
  const deliveries: Delivery[] = [];
  const connectionsOf = (body: string): string[] => {
    const parsed = parseConnectionCreated(body, defaults);
    return parsed.kind === 'connections' ? parsed.events.map((e) => e.vpnConnectionId) : [];
  };
  return {
    handler: async (event: SQSEvent, context) => {
      const startedAt = Date.now();
      try {
        return await handler(event, context);
      } finally {
        const endedAt = Date.now();
        for (const record of event.Records) {
          deliveries.push({
            connectionIds: connectionsOf(record.body),
            sentAt: Number(record.attributes.SentTimestamp),
            receiveCount: Number(record.attributes.ApproximateReceiveCount),
            startedAt,
            endedAt,
          });
        }
      }
    },
    deliveries: () => deliveries,
  };
};

/** The phases of a record's way, in order; they add up to its created → monitor latency. */
const PHASES = {
  ingest: 'ingest (created -> queued)',
  queue: 'queue wait (queued -> first delivery)',
  redelivery: 'redeliveries, postponements, delayed copies',
  beforeHuawei: 'before the first Huawei call (idempotency write, breaker read, pacer)',
  huaweiCalls: 'Huawei calls (time in requests)',
  betweenCalls: 'between Huawei calls (retry backoff, pacer)',
  publish: 'after the last Huawei answer (idempotency save, publish wait)',
} as const;

/** One phase of {@link PHASES}. */
type Phase = keyof typeof PHASES;

interface Spread {
  median: number;
  p99: number;
  mean: number;
}

/** The breakdown of a run: per phase, over every monitored connection and over the slowest 1%. */
export interface TimingBreakdown {
  connections: number;
  total: Spread;
  phases: Record<Phase, Spread & { share: number; slowestMean: number }>;
  /** How many connections needed more than one delivery, and why the simulator says. */
  redelivered: number;
  /** Huawei requests answered with an injected fault, by kind; and 429s of the rate limit. */
  huaweiFaults: Record<string, number>;
  rateLimited: number;
  /** How long the invocations took: a batch is as slow as its slowest record. */
  invocations: { count: number } & Spread;
  /** Huawei requests per operation: count and median / p99 time in the request, ms. */
  huawei: Record<string, { count: number; median: number; p99: number }>;
  /** DynamoDB requests: the breaker's and the idempotency records', by operation. */
  dynamoDb: Record<string, { count: number; median: number; p99: number }>;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

const spread = (values: readonly number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? 0 : Math.round(sum / sorted.length),
  };
};

const byKey = <T>(items: readonly T[], key: (item: T) => string, ms: (item: T) => number) => {
  const groups = new Map<string, number[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(ms(item));
    groups.set(key(item), list);
  }
  return Object.fromEntries(
    [...groups].map(([name, list]) => {
      const { median, p99 } = spread(list);
      return [name, { count: list.length, median, p99 }];
    }),
  );
};

/** What the breakdown is computed from. */
export interface TimingSources {
  /** When each connection was created (through EventGrid); else its first message's time. */
  createdAt: ReadonlyMap<string, number>;
  /** When each connection's first "monitor created" event reached the bus, epoch ms. */
  publishedAt: ReadonlyMap<string, number>;
  deliveries: readonly Delivery[];
  huawei: readonly LoggedRequest[];
  dynamoDb: readonly DynamoDbRequest[];
}

/** Splits each monitored connection's latency into {@link PHASES}. */
export const timingBreakdown = (sources: TimingSources): TimingBreakdown => {
  const deliveriesOf = new Map<string, Delivery[]>();
  for (const delivery of sources.deliveries) {
    for (const id of delivery.connectionIds) {
      const list = deliveriesOf.get(id) ?? [];
      list.push(delivery);
      deliveriesOf.set(id, list);
    }
  }
  const requestsOf = new Map<string, LoggedRequest[]>();
  for (const request of sources.huawei) {
    if (request.connectionId === undefined) continue;
    const list = requestsOf.get(request.connectionId) ?? [];
    list.push(request);
    requestsOf.set(request.connectionId, list);
  }

  const rows: { total: number; phases: Record<Phase, number> }[] = [];
  let redelivered = 0;
  for (const [id, publishedAt] of sources.publishedAt) {
    const deliveries = (deliveriesOf.get(id) ?? [])
      .filter((d) => d.startedAt <= publishedAt)
      .sort((a, b) => a.startedAt - b.startedAt);
    const first = deliveries[0];
    const last = deliveries.at(-1);
    if (first === undefined || last === undefined) continue;
    if (deliveries.length > 1) redelivered++;
    const queuedAt = Math.min(...deliveries.map((d) => d.sentAt));
    const createdAt = Math.min(sources.createdAt.get(id) ?? queuedAt, queuedAt);
    const calls = (requestsOf.get(id) ?? []).filter(
      (r) => r.startedAt >= last.startedAt && r.endedAt <= publishedAt,
    );
    const firstCall = calls[0]?.startedAt ?? publishedAt;
    const lastAnswer = calls.length === 0 ? publishedAt : Math.max(...calls.map((r) => r.endedAt));
    const inCalls = calls.reduce((sum, r) => sum + (r.endedAt - r.startedAt), 0);
    rows.push({
      total: publishedAt - createdAt,
      phases: {
        ingest: queuedAt - createdAt,
        queue: first.startedAt - queuedAt,
        redelivery: last.startedAt - first.startedAt,
        beforeHuawei: firstCall - last.startedAt,
        huaweiCalls: inCalls,
        betweenCalls: Math.max(0, lastAnswer - firstCall - inCalls),
        publish: publishedAt - lastAnswer,
      },
    });
  }
  const grandTotal = rows.reduce((sum, row) => sum + row.total, 0) || 1;
  const slowest = [...rows]
    .sort((a, b) => b.total - a.total)
    .slice(0, Math.max(1, Math.ceil(rows.length / 100)));
  const phases = Object.fromEntries(
    (Object.keys(PHASES) as Phase[]).map((phase) => {
      const values = rows.map((row) => row.phases[phase]);
      const sum = values.reduce((a, b) => a + b, 0);
      const slowSum = slowest.reduce((a, row) => a + row.phases[phase], 0);
      return [
        phase,
        {
          ...spread(values),
          share: sum / grandTotal,
          slowestMean: Math.round(slowSum / Math.max(1, slowest.length)),
        },
      ];
    }),
  ) as TimingBreakdown['phases'];
  const huaweiFaults: Record<string, number> = {};
  for (const request of sources.huawei) {
    if (request.fault !== undefined)
      huaweiFaults[request.fault] = (huaweiFaults[request.fault] ?? 0) + 1;
  }
  const invocations = new Map<number, number>();
  for (const d of sources.deliveries) invocations.set(d.startedAt, d.endedAt - d.startedAt);
  return {
    connections: rows.length,
    invocations: {
      count: sources.deliveries.length && invocations.size,
      ...spread([...invocations.values()]),
    },
    total: spread(rows.map((row) => row.total)),
    phases,
    redelivered,
    huaweiFaults,
    rateLimited: sources.huawei.filter((r) => r.rateLimited).length,
    huawei: byKey(
      sources.huawei,
      (r) => r.operation,
      (r) => r.endedAt - r.startedAt,
    ),
    dynamoDb: byKey(
      sources.dynamoDb,
      (r) => `${r.breaker ? 'breaker' : 'idempotency'} ${r.operation}`,
      (r) => r.endedAt - r.startedAt,
    ),
  };
};

/** The breakdown as aligned text lines, for `npm start -- --timings` and the bench. */
export const formatTimings = (t: TimingBreakdown): string[] => {
  const lines = [
    `Where the time went: ${t.connections} monitored connections, created -> monitor median ${t.total.median} ms, p99 ${t.total.p99} ms, mean ${t.total.mean} ms`,
    `  ${'phase'.padEnd(66)} ${'median'.padStart(7)} ${'p99'.padStart(7)} ${'mean'.padStart(7)} ${'share'.padStart(6)} ${'slowest 1%'.padStart(10)}`,
  ];
  for (const phase of Object.keys(PHASES) as Phase[]) {
    const p = t.phases[phase];
    lines.push(
      `  ${PHASES[phase].padEnd(66)} ${String(p.median).padStart(7)} ${String(p.p99).padStart(7)} ${String(p.mean).padStart(7)} ${`${Math.round(p.share * 100)}%`.padStart(6)} ${String(p.slowestMean).padStart(10)}`,
    );
  }
  const faults = Object.entries(t.huaweiFaults)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  lines.push(
    `  ${t.redelivered} connections needed more than one delivery; Huawei faults injected: ${faults || 'none'}; 429s from the rate limit: ${t.rateLimited}`,
  );
  const services = (title: string, rows: TimingBreakdown['huawei']) =>
    `  ${title}: ${Object.entries(rows)
      .map(([name, r]) => `${name} ${r.count}x (median ${r.median} ms, p99 ${r.p99} ms)`)
      .join('; ')}`;
  lines.push(
    `  invocations: ${t.invocations.count}, median ${t.invocations.median} ms, p99 ${t.invocations.p99} ms, mean ${t.invocations.mean} ms`,
  );
  lines.push(services('Huawei requests', t.huawei));
  lines.push(services('DynamoDB requests', t.dynamoDb));
  return lines;
};
