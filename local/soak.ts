import { parseArgs } from 'node:util';
import { runLocalPipeline } from './pipeline.ts';

const USAGE = `Usage: npm run soak -- [--events N] [--duplicates R] [--faults R] [--seed N]

Pushes a large stream through the local pipeline with injected Huawei faults and checks the
guarantees: no duplicate monitor, no connection without its event. Exits 1 if one is broken.
Defaults: 2000 events, 20% duplicates, 30% transient faults.`;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    duplicates: { type: 'string', default: '0.2' },
    faults: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '20261126' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const { summary } = await runLocalPipeline({
  events: Number(values.events),
  duplicateRate: Number(values.duplicates),
  faultRate: Number(values.faults),
  invalidRate: 0.01,
  seed: Number(values.seed),
  batchSize: 10,
  concurrency: 2,
  maxReceiveCount: 5,
  // A soak is a stress test: random 429s beside the rate limit's own.
  random429: true,
  onProgress: ({ handled, total }) => {
    if (handled % 500 < 10) process.stderr.write(`  ${handled}/${total} handled\n`);
  },
});

const figures: [string, number | string][] = [
  ['events sent', summary.eventsIn],
  ['unique connections', summary.uniqueConnections],
  ['monitors in the simulator', summary.monitors],
  ['duplicate monitors (must be 0)', summary.duplicateMonitors],
  ['events published', summary.eventsPublished],
  ['repeat events', summary.duplicateEvents],
  ['connections with no event (must be 0)', summary.connectionsWithoutEvent],
  ['Huawei requests', summary.huaweiRequests],
  ['faults injected', summary.faultsInjected],
  ['records redelivered by SQS', summary.redeliveries],
  ['DLQ messages', summary.dlqTotal],
  ['time', `${(summary.durationMs / 1000).toFixed(1)} s`],
];
console.log('\nSoak');
for (const [name, value] of figures) console.log(`  ${name.padEnd(40)} ${value}`);
console.log('  DLQ by reason');
for (const [reason, n] of Object.entries(summary.dlq))
  console.log(`    ${String(n).padStart(5)}  ${reason}`);
const ok = summary.duplicateMonitors === 0 && summary.connectionsWithoutEvent === 0;
console.log(ok ? '\nGuarantees held.' : '\nA GUARANTEE WAS BROKEN.');
process.exit(ok ? 0 : 1);
