import { randomUUID } from 'node:crypto';
import { type EventSourceMapping, runEventSourceMapping } from './aws/event-source-mapping.ts';
import type { LocalAwsStack } from './aws/stack.ts';
import type { CreateMonitorHandler } from './function-environment.ts';
import type { HuaweiSimulator } from './huawei-simulator/index.ts';
import { startIngestPath } from './ingest-path.ts';
import { connectionCreatedBody } from './seed-events.ts';

/** The stand-ins a finished `npm start` run leaves running, and what they were started with. */
export interface ServedWorld {
  aws: LocalAwsStack;
  huawei: HuaweiSimulator;
  handler: CreateMonitorHandler;
  /** The ingest endpoint with its token, when the run went through EventGrid. */
  ingestUrl: string | undefined;
  projectId: string;
  region: string;
  /** The simulator's Huawei key: made up for the local stack, never a real one. */
  credentials: { ak: string; sk: string };
}

/** Where each stand-in listens, and the commands that work against them. */
interface ServeGuide {
  endpoints: [name: string, url: string][];
  commands: { replay: string; reconcile: string; curl: string };
}

/** Quotes `text` for a POSIX shell, so a printed command can be pasted as it is. */
const shellQuote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * The endpoints and the exact commands for a served stack. The commands carry everything they
 * need: the SQS commands use `--endpoint` on a loopback address (the CLI then signs with dummy
 * credentials, no AWS account involved) and the stack's region; `reconcile` gets the
 * simulator's made-up key through the Huawei SDK's variables.
 */
const serveGuide = (world: ServedWorld, ingestUrl: string, curlBody: string): ServeGuide => {
  const { aws, huawei } = world;
  return {
    endpoints: [
      ['SQS (fauxqs)', aws.sqs.endpoint],
      ['  source queue', aws.sqs.queueUrl],
      ['  dead-letter queue', aws.sqs.dlqUrl],
      ['DynamoDB (dynalite)', `${aws.dynamoDb.endpoint} (table ${aws.dynamoDb.tableName})`],
      ['EventBridge PutEvents', aws.eventBridge.endpoint],
      ['Huawei VPN API simulator', huawei.endpoint],
      ['ingest endpoint', ingestUrl],
    ],
    commands: {
      replay: `npm run replay -- --dry-run --region ${aws.region} --endpoint ${aws.sqs.endpoint} --dlq ${aws.sqs.dlqUrl} --to ${aws.sqs.queueUrl}`,
      reconcile: `HUAWEICLOUD_SDK_AK=${world.credentials.ak} HUAWEICLOUD_SDK_SK=${world.credentials.sk} npm run reconcile -- --dry-run --target ${world.projectId}:${world.region} --huawei-endpoint ${huawei.endpoint}`,
      curl: `curl -sS -X POST ${ingestUrl} -H 'content-type: application/json' -d ${shellQuote(curlBody)}`,
    },
  };
};

/** The guide as the lines `npm start -- --serve` prints. */
const formatServeGuide = (guide: ServeGuide): string => {
  const width = Math.max(...guide.endpoints.map(([name]) => name.length));
  return [
    '',
    'The local stack is up (Ctrl-C stops it). Endpoints:',
    ...guide.endpoints.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`),
    '',
    'Look at the dead-letter queue (nothing is moved; drop --dry-run to replay):',
    `  ${guide.commands.replay}`,
    '',
    'Find the connections without a monitor (nothing is queued; see --help for --queue):',
    `  ${guide.commands.reconcile}`,
    '',
    'Announce a new connection to the ingest endpoint; createMonitor picks it up at once:',
    `  ${guide.commands.curl}`,
    '',
    'Ready.',
    '',
  ].join('\n');
};

/**
 * Keeps a finished run's stand-ins serving: the event source mapping polls the source queue
 * again (so a replay or an ingested event is handled), an ingest endpoint is started if the run
 * had none, the guide is printed, and everything stops on SIGINT or SIGTERM.
 * Resolves once stopped.
 */
export const serve = async (
  world: ServedWorld,
  stopWorld: () => Promise<void>,
  options: { batchSize: number; concurrency: number; write: (text: string) => void },
): Promise<void> => {
  const { aws, huawei, handler } = world;
  const ingest = world.ingestUrl === undefined ? await startIngestPath(aws) : undefined;
  const ingestUrl = world.ingestUrl ?? ingest?.webhookUrl ?? '';
  // A connection that exists in the simulator and has no event yet: the curl command's.
  const connection = huawei.addConnection(world.projectId, randomUUID()).id;
  const body = connectionCreatedBody('plain', {
    vpnConnectionId: connection,
    projectId: world.projectId,
    region: world.region,
  });
  const mapping: EventSourceMapping = runEventSourceMapping({
    sqs: aws.clients.sqs,
    queueUrl: aws.sqs.queueUrl,
    queueArn: aws.sqs.queueArn,
    handler,
    functionName: 'createMonitor',
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    functionTimeoutMs: 6_000,
  });
  options.write(formatServeGuide(serveGuide(world, ingestUrl, body)));
  // `on`, not `once`: Ctrl-C reaches this process twice, from the terminal and relayed by tsx;
  // a second signal with no listener would kill it halfway through stopping.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
  options.write(`\n${signal}: stopping the local stack\n`);
  await mapping.stop();
  await ingest?.stop();
  await stopWorld();
  options.write('Stopped.\n');
};
