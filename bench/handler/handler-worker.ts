/**
 * Benchmark child: the bundled `createMonitor` handler, loaded once like a warm Lambda
 * container, invoked one batch at a time with records about connections nobody has seen yet.
 */
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLambdaContext, newLogStreamName } from '../../local/aws/lambda-context.ts';
import { serveParent } from '../lib/children.ts';
import { now } from '../lib/stats.ts';
import { sqsEvent } from './records.ts';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** What `batches` runs: `batches` invocations of `batchSize` records, one after the other. */
export interface BatchesRequest {
  batches: number;
  batchSize: number;
}

/** What the batches cost this process. */
export interface BatchesResult {
  records: number;
  /** Records the handler reported as failed: must be 0, or the run measured something else. */
  failures: number;
  wallMs: number;
  /** User plus system CPU time of this process. */
  cpuMicros: number;
  /** Of which in the kernel (sockets, mostly). */
  systemCpuMicros: number;
  /** Wall time of each invocation. */
  invocationMs: number[];
}

/** Peak memory of this process, and what its heap holds after a full collection. */
export interface MemoryResult {
  maxRssBytes: number;
  liveHeapBytes: number;
}

/**
 * With `BENCH_TIMELINE_FILE` set, every invocation's start and end and every HTTP request of
 * the handler (its start, its answer's end) are appended to that file, one `<ms> <what>` a
 * line, so that `bench/batch-latency.ts` can say which round trips a batch waited for.
 */
const timelineFile = process.env.BENCH_TIMELINE_FILE;
const mark = (what: string): void => {
  if (timelineFile) appendFileSync(timelineFile, `${now().toFixed(2)} ${what}\n`);
};
/** AWS JSON requests are named by their operation, Huawei's by method and path. */
const requestName = (request: ClientRequest): string => {
  const target = request.getHeader('x-amz-target');
  return typeof target === 'string'
    ? (target.split('.').pop() ?? target)
    : `${request.method} ${request.path.replace(/\/v\d\/[0-9a-f]{32}\//, '/')}`;
};
if (timelineFile) {
  subscribe('http.client.request.start', (message) => {
    mark(`start ${requestName((message as { request: ClientRequest }).request)}`);
  });
  subscribe('http.client.response.finish', (message) => {
    mark(`finish ${requestName((message as { request: ClientRequest }).request)}`);
  });
}

const [modulePath = '', exportName = 'handler', firstConnection = '0'] = process.argv.slice(2);
const loaded = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
const handler = loaded[exportName] as Handler;
const projectId = process.env.HUAWEICLOUD_PROJECT_ID ?? '';
const region = process.env.HUAWEICLOUD_REGION ?? '';
const logStream = newLogStreamName();
let nextConnection = Number(firstConnection);

const invoke = (batchSize: number): Promise<SQSBatchResponse> => {
  const event = sqsEvent(projectId, region, nextConnection, batchSize);
  nextConnection += batchSize;
  return handler(
    event,
    createLambdaContext(
      {
        functionName: 'createMonitor',
        region: process.env.AWS_REGION ?? 'eu-west-1',
        accountId: '000000000000',
        timeoutMs: 30_000,
        memoryLimitInMB: 256,
      },
      logStream,
    ),
  );
};

const runBatches = async ({ batches, batchSize }: BatchesRequest): Promise<BatchesResult> => {
  const invocationMs: number[] = [];
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const started = now();
  for (let i = 0; i < batches; i++) {
    const invoked = now();
    mark('invoke');
    const response = await invoke(batchSize);
    invocationMs.push(now() - invoked);
    mark('returned');
    failures += response.batchItemFailures.length;
  }
  const wallMs = now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    records: batches * batchSize,
    failures,
    wallMs,
    cpuMicros: cpu.user + cpu.system,
    systemCpuMicros: cpu.system,
    invocationMs,
  };
};

serveParent({
  batches: (params) => runBatches(params as BatchesRequest),
  memory: (): MemoryResult => {
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    // Lambda's runtime starts Node with --expose-gc, and so does the benchmark.
    (globalThis as { gc?: () => void }).gc?.();
    return { maxRssBytes, liveHeapBytes: process.memoryUsage().heapUsed };
  },
});
