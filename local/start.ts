import { parseArgs } from 'node:util';
import { DEFAULT_RATE_LIMIT, type PipelineSummary, runLocalPipeline } from './pipeline.ts';
import { formatTimings } from './record-timings.ts';

const USAGE = `Usage: npm start -- [options]

Runs vpn-monitor-provisioner end to end on an embedded local stack (SQS and DynamoDB emulators,
a Huawei VPN API simulator, a local EventBridge), no cloud account needed. By default every new
connection takes the whole way: created in the simulator, its CTS event sent by an EventGrid
stand-in to the real ingest handler (behind a local HTTP API), queued, then provisioned.

Options:
  --events N          messages to send (default 300)
  --duplicates R      share of messages repeating a connection, 0-1 (default 0.1)
  --faults R          share of Huawei requests given a transient fault, 0-1 (default 0.1):
                      5xx, resets and slow answers, as a real gateway gives
  --rate-limit N      Huawei requests a second per project before 429 APIGW.0308 (default 50;
                      Huawei does not document its limit; 0 for none)
  --random-429        random faults may be 429s too, that no rate limit caused (stress)
  --invalid R         share of invalid message bodies, 0-1 (default 0.02)
  --seed N            random seed, for a repeatable run (default: time based)
  --batch-size N      records per invocation, 1-10 (default 10)
  --concurrency N     invocations at once (default 2)
  --max-receive N     deliveries before SQS dead-letters a message (default 3)
  --existing N        VPN connections that exist with no event at all, as before a first
                      deployment (default 450 with --reconcile, else 0)
  --reconcile         run the reconcile Lambda once before the event stream: it lists every
                      connection (pages of 200) and queues those without a monitor
  --direct            put the "connection created" messages straight on the queue (mixed
                      shapes), skipping EventGrid and the ingest endpoint
  --create-rate N     with EventGrid: connections created per second (default 25)
  --accounts N        1 (default): one Huawei key; 3: three Huawei accounts, one per
                      credential source (static key, agency, keyless OIDC federation), with
                      no Huawei key in the function's environment (implies --direct)
  --timings           break each connection's created -> monitor time down into phases
                      (ingest, queue wait, redeliveries, Huawei calls, publish wait...)
  --json              print the summary as JSON
  --help              this text`;

const number = (
  value: string | undefined,
  fallback: number,
  name: string,
  max = Number.POSITIVE_INFINITY,
): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) {
    console.error(`--${name} must be a number between 0 and ${max}, got "${value}"\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
};

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    duplicates: { type: 'string' },
    faults: { type: 'string' },
    invalid: { type: 'string' },
    seed: { type: 'string' },
    'batch-size': { type: 'string' },
    concurrency: { type: 'string' },
    'max-receive': { type: 'string' },
    existing: { type: 'string' },
    reconcile: { type: 'boolean' },
    accounts: { type: 'string' },
    direct: { type: 'boolean' },
    'create-rate': { type: 'string' },
    timings: { type: 'boolean' },
    'rate-limit': { type: 'string' },
    'random-429': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.accounts !== undefined && values.accounts !== '1' && values.accounts !== '3') {
  console.error(`--accounts must be 1 or 3, got "${values.accounts}"\n\n${USAGE}`);
  process.exit(2);
}

const tty = process.stderr.isTTY;
let lastLine = 0;
const progress = (handled: number, total: number, redelivered: number): void => {
  const width = 30;
  const done = Math.min(width, Math.round((handled / total) * width));
  const text = `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${handled} records handled (${total} sent; delayed copies count too), ${redelivered} left for redelivery`;
  if (tty) process.stderr.write(`\r${text}`);
  else if (Date.now() - lastLine > 1_000 || handled >= total) {
    lastLine = Date.now();
    process.stderr.write(`${text}\n`);
  }
};

const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The hops from Huawei to the queue, when the run went through EventGrid. */
const ingestRows = (p: NonNullable<PipelineSummary['ingestPath']>): [string, string][] => [
  ['connections created', `${p.connectionsCreated} in the simulated Huawei Cloud`],
  [
    'EventGrid delivered',
    `${p.eventGrid.delivered} events (${counts(p.eventGrid.byMode)}) in ${p.eventGrid.requests} requests, ${p.eventGrid.retries} retried, ${p.eventGrid.deadLettered} dead-lettered`,
  ],
  ['ingest answered', `${p.ingest.requests} requests (HTTP ${counts(p.ingest.byStatus)})`],
  [
    'created -> monitor',
    p.latencyMs === undefined
      ? 'no connection got its monitor'
      : `${p.monitored} of ${p.connectionsCreated} connections; median ${p.latencyMs.median} ms, p99 ${p.latencyMs.p99} ms, max ${p.latencyMs.max} ms`,
  ],
  [
    'still pending at event',
    p.pending.afterActiveMs === undefined
      ? `${p.pending.count} connections`
      : `${p.pending.count} connections, monitored ${p.pending.afterActiveMs.median} ms (median; max ${p.pending.afterActiveMs.max} ms) after turning ACTIVE`,
  ],
];

const print = (s: PipelineSummary): void => {
  const rows: [string, string | number][] = [
    [
      'events in',
      `${s.eventsIn} (${s.uniqueConnections} connections, ${s.duplicatesSent} duplicates, ${s.invalidSent} invalid, ${s.unknownConnectionsSent} unknown connection)`,
    ],
    [
      'body shapes',
      Object.entries(s.byShape)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['monitors created', `${s.monitors} (duplicate monitors: ${s.duplicateMonitors})`],
    [
      'events published',
      `${s.eventsPublished} (${Object.entries(s.eventsByOutcome)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; repeats: ${s.duplicateEvents})`,
    ],
    [
      'connections without event',
      `${s.connectionsWithoutEvent} (lost, neither event nor DLQ: ${s.lostConnections})`,
    ],
    ['connections not ready at first', s.notReadyAtFirst],
    [
      'fault mix',
      `${Math.round(s.faultMix.rate * 100)}% of Huawei requests given a random ${s.faultMix.random429 ? 'fault, 429s included' : 'transient fault (5xx, reset, slow answer)'}; ${s.faultMix.rateLimit > 0 ? `rate limit ${s.faultMix.rateLimit} requests/s per project (${s.faultMix.rateLimited} 429s)` : 'no rate limit'}`,
    ],
    [
      'Huawei requests',
      `${s.huaweiRequests} (${s.faultsInjected} answered with an injected fault, then retried)`,
    ],
    [
      'redeliveries',
      `${s.redeliveries} records left for SQS to redeliver, ${s.invocations} invocations`,
    ],
    ['in the DLQ', s.dlqTotal],
    ...(s.reconcile
      ? ([
          [
            'reconcile run',
            `${s.reconcile.connectionsSeen} connections in ${s.reconcile.pages} pages, ${s.reconcile.alreadyMonitored} monitored, ${s.reconcile.enqueued} queued, ${s.reconcile.pending} pending, ${s.reconcile.orphansChecked ? `${s.reconcile.orphansFound} orphans` : 'orphans not looked for'} (${(s.reconcile.durationMs / 1000).toFixed(1)} s)`,
          ],
        ] satisfies [string, string][])
      : []),
    ...(s.existingConnections > 0
      ? ([
          [
            'existing connections',
            `${s.existingConnections} with no event, ${s.existingMonitored} monitored at the end`,
          ],
        ] satisfies [string, string][])
      : []),
    ...(s.ingestPath ? ingestRows(s.ingestPath) : []),
    ...(s.accounts ?? []).map((a): [string, string] => [
      `account ${a.name}`,
      `${a.monitors} monitors in ${a.projectId} (${a.region}); ${a.source}: ${a.servedBy}`,
    ]),
    ['time taken', `${(s.durationMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nSummary');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  if (s.dlqTotal > 0) console.log('\nDead-letter queue, by reason');
  for (const [reason, n] of Object.entries(s.dlq))
    console.log(`  ${String(n).padStart(5)}  ${reason}`);
  if (s.timings) console.log(`\n${formatTimings(s.timings).join('\n')}`);
};

const { summary } = await runLocalPipeline({
  events: number(values.events, 300, 'events', 100_000),
  duplicateRate: number(values.duplicates, 0.1, 'duplicates', 0.9),
  faultRate: number(values.faults, 0.1, 'faults', 0.9),
  invalidRate: number(values.invalid, 0.02, 'invalid', 0.5),
  seed: number(values.seed, Date.now() % 1_000_000, 'seed'),
  batchSize: number(values['batch-size'], 10, 'batch-size', 10) || 10,
  concurrency: number(values.concurrency, 2, 'concurrency', 20) || 1,
  maxReceiveCount: number(values['max-receive'], 3, 'max-receive', 1000) || 1,
  existingConnections: number(values.existing, values.reconcile ? 450 : 0, 'existing', 100_000),
  reconcile: values.reconcile ?? false,
  accounts: values.accounts === '3' ? 3 : 1,
  viaEventGrid: !(values.direct ?? false) && values.accounts !== '3',
  createRatePerSecond: number(values['create-rate'], 25, 'create-rate', 10_000) || 25,
  timings: values.timings ?? false,
  rateLimit: number(values['rate-limit'], DEFAULT_RATE_LIMIT, 'rate-limit', 100_000),
  random429: values['random-429'] ?? false,
  onProgress: ({ handled, total, report }) => progress(handled, total, report.stats.failed),
});
if (tty) process.stderr.write('\n');
if (values.json) console.log(JSON.stringify(summary, null, 2));
else print(summary);
// The guarantees users rely on; anything else in the summary is expected behaviour.
// With a reconcile run, every connection that existed without an event must be monitored too.
const unreconciled =
  summary.reconcile !== undefined && summary.existingMonitored < summary.existingConnections;
const broken = summary.duplicateMonitors > 0 || summary.lostConnections > 0 || unreconciled;
if (broken)
  console.error(
    '\nA guarantee was broken: duplicate monitors, lost connections, or existing connections left without a monitor (see above).',
  );
process.exit(broken ? 1 : 0);
