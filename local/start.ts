import { printHealthDemo, runHealthDemo } from './health-demo.ts';
import { type PipelineSummary, runLocalPipeline } from './pipeline.ts';
import { formatTimings } from './record-timings.ts';
import { serve } from './serve.ts';
import {
  parseStartOptions,
  START_USAGE,
  type StartOptions,
  StartUsageError,
} from './start-options.ts';

let options: StartOptions;
try {
  options = parseStartOptions(process.argv.slice(2));
} catch (error: unknown) {
  if (!(error instanceof StartUsageError)) throw error;
  console.error(error.message);
  process.exit(2);
}
if (options.help) {
  console.log(START_USAGE);
  process.exit(0);
}
if (options.health) {
  const demo = await runHealthDemo(options.existingConnections || 50);
  if (options.json) console.log(JSON.stringify(demo, null, 2));
  process.exit(printHealthDemo(demo) ? 0 : 1);
}

/** `1 record`, `2 records`: a count with its noun. */
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

const tty = process.stderr.isTTY;
let lastLine = 0;
const progress = (handled: number, total: number, redelivered: number): void => {
  const width = 30;
  const done = Math.min(width, Math.round((handled / total) * width));
  const text = `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${plural(handled, 'record')} handled (${total} sent; delayed copies count too), ${redelivered} left for redelivery`;
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
  [
    'SMN delivered',
    `subscription confirmation answered HTTP ${p.smn.confirmation}; ${p.smn.notifications} signed notifications (HTTP ${counts(p.smn.byStatus) || 'none'})`,
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
      `${plural(s.redeliveries, 'record')} left for SQS to redeliver, ${plural(s.invocations, 'invocation')}`,
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

const { summary, world, stop } = await runLocalPipeline({
  ...options,
  keep: options.serve,
  onProgress: ({ handled, total, report }) => progress(handled, total, report.stats.failed),
});
if (tty) process.stderr.write('\n');
if (options.json) console.log(JSON.stringify(summary, null, 2));
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
if (options.serve) {
  await serve(world, stop, {
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    write: (text) => process.stdout.write(text),
  });
}
process.exit(broken ? 1 : 0);
