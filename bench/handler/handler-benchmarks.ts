import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ColdStart } from '../cold-start/handler-cold-start.ts';
import { type ModuleTimes, summariseProfile } from '../cold-start/profile-summary.ts';
import { runOnce, startWorker, type Worker } from '../lib/children.ts';
import { compileWorker } from '../lib/compile.ts';
import { lambdaNodeFlags, profileFlags } from '../lib/lambda-node.ts';
import { median } from '../lib/stats.ts';
import type { Artifact } from './artifact.ts';
import type { BatchesResult, MemoryResult } from './handler-worker.ts';
import { sqsEvent } from './records.ts';
import type { StandInsReady } from './stand-ins.ts';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The compiled benchmark children that run the handler or the SDK core. */
export interface HandlerWorkers {
  handler: string;
  coldStart: string;
  sdkCoreImport: string;
}

/** Compiles the children that load the handler, so that they run plain JavaScript. */
export const compileHandlerWorkers = async (): Promise<HandlerWorkers> => ({
  handler: await compileWorker(source('./handler-worker.ts')),
  coldStart: await compileWorker(source('../cold-start/handler-cold-start.ts')),
  sdkCoreImport: await compileWorker(source('../cold-start/sdk-core-import.ts')),
});

/** Hands out connection indexes nobody has used, so every record makes a real create. */
export class ConnectionAllocator {
  #next = 0;

  /** The first of `count` fresh connection indexes. */
  public take(count: number): number {
    const first = this.#next;
    this.#next += count;
    return first;
  }
}

/** The environment Lambda would give the function, pointed at the stand-ins. */
const handlerEnvironment = (
  artifact: Artifact,
  standIns: StandInsReady,
  memoryMb: number,
): Record<string, string> => ({
  ...standIns.environment,
  NODE_OPTIONS: artifact.nodeOptions,
  AWS_LAMBDA_FUNCTION_NAME: 'createMonitor',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  POWERTOOLS_SERVICE_NAME: 'vpn-monitor-provisioner',
  LOG_LEVEL: 'INFO',
  MAX_RECEIVE_COUNT: '5',
});

/**
 * The official SDK core imported twice, each in a fresh process: as it would load in the same
 * function, under the Lambda Node flags of `memoryMb` (Lambda's `--expose-gc` changes V8's flags,
 * so Node's built-ins no longer match their embedded code cache and are compiled as they load,
 * whoever loads them), and in plain Node, which pays none of that.
 */
export const importSdkCore = async (
  workers: HandlerWorkers,
  memoryMb: number,
): Promise<{ sameFlagsMs: number; plainMs: number }> => {
  const importMs = async (execArgv: string[]) =>
    (await runOnce<{ importMs: number }>(workers.sdkCoreImport, [], { execArgv })).importMs;
  return { sameFlagsMs: await importMs(lambdaNodeFlags(memoryMb)), plainMs: await importMs([]) };
};

/** The figures of benchmark 3. */
export interface ColdStartFigures {
  initMs: number;
  firstInvokeMs: number;
  /** The SDK core's import under the same Lambda Node flags as the handler. */
  sdkCoreImportMs: number;
  /** The same in a plain Node process (no `--expose-gc`, no heap flags), as measured before. */
  sdkCoreImportPlainMs: number;
  /** With a profile directory: where one more cold start spent its CPU, by module. */
  profile?: ModuleTimes;
}

/**
 * Cold starts: the bundled handler imported in a fresh Node process started as Lambda starts
 * it (the template's memory size and `NODE_OPTIONS`), then its first record handled against
 * the stand-ins; and, taking turns with it, the official SDK core imported in a fresh process
 * started with the same Lambda flags (and once more in a plain process, for the record). One
 * warm-up round (the file cache), then `runs` measured rounds; medians.
 */
export const benchmarkColdStart = async (
  workers: HandlerWorkers,
  artifact: Artifact,
  standIns: StandInsReady,
  connections: ConnectionAllocator,
  runs: number,
  profileDirectory?: string,
): Promise<ColdStartFigures> => {
  const environment = handlerEnvironment(artifact, standIns, artifact.memoryMb);
  const moduleUrl = pathToFileURL(artifact.modulePath).href;
  const region = environment.HUAWEICLOUD_REGION ?? '';
  const starts: ColdStart[] = [];
  const sdkImports: number[] = [];
  const sdkImportsPlain: number[] = [];
  // Taking turns, so that a machine that slows down mid-run slows both sides alike.
  for (let run = 0; run <= runs; run++) {
    const event = sqsEvent(standIns.projectId, region, connections.take(1), 1);
    const start = await runOnce<ColdStart>(
      workers.coldStart,
      [moduleUrl, artifact.exportName, JSON.stringify(event)],
      { env: environment, execArgv: lambdaNodeFlags(artifact.memoryMb) },
    );
    if (start.failures > 0) throw new Error('The first record of a cold start failed');
    const sdk = await importSdkCore(workers, artifact.memoryMb);
    if (run === 0) continue;
    starts.push(start);
    sdkImports.push(sdk.sameFlagsMs);
    sdkImportsPlain.push(sdk.plainMs);
  }
  let profile: ModuleTimes | undefined;
  if (profileDirectory !== undefined) {
    // One more cold start, profiled (the profiler's cost stays out of the figures above).
    const directory = join(profileDirectory, 'cold-start');
    const event = sqsEvent(standIns.projectId, region, connections.take(1), 1);
    await runOnce<ColdStart>(
      workers.coldStart,
      [moduleUrl, artifact.exportName, JSON.stringify(event)],
      {
        env: environment,
        execArgv: [...lambdaNodeFlags(artifact.memoryMb), ...profileFlags(directory)],
      },
    );
    const [file] = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'));
    if (file !== undefined) profile = summariseProfile(join(directory, file));
  }
  return {
    ...(profile === undefined ? {} : { profile }),
    initMs: median(starts.map((start) => start.initMs)),
    firstInvokeMs: median(starts.map((start) => start.firstInvokeMs)),
    sdkCoreImportMs: median(sdkImports),
    sdkCoreImportPlainMs: median(sdkImportsPlain),
  };
};

/** How a warm handler process is started. */
export interface HandlerProcessOptions {
  /** The Lambda memory size whose V8 heap flags the process gets. */
  memoryMb: number;
  /** Fresh connections it may use. */
  capacity: number;
  /** Write a CPU profile here when it exits. */
  profileDirectory?: string | undefined;
}

/** Starts a warm handler process (the bundle loaded once), as a Lambda container keeps it. */
export const startHandler = (
  workers: HandlerWorkers,
  artifact: Artifact,
  standIns: StandInsReady,
  connections: ConnectionAllocator,
  options: HandlerProcessOptions,
): Promise<Worker<unknown>> =>
  startWorker(
    workers.handler,
    [artifact.modulePath, artifact.exportName, String(connections.take(options.capacity))],
    {
      env: handlerEnvironment(artifact, standIns, options.memoryMb),
      execArgv: [...lambdaNodeFlags(options.memoryMb), ...profileFlags(options.profileDirectory)],
    },
  );

const runBatches = async (
  handler: Worker<unknown>,
  batches: number,
  batchSize: number,
): Promise<BatchesResult> => {
  const result = await handler.call<BatchesResult>('batches', { batches, batchSize });
  if (result.failures > 0) {
    throw new Error(`${result.failures} of ${result.records} records failed; figures are void`);
  }
  return result;
};

/** The figures of benchmark 4. */
export interface SteadyStateFigures {
  cpuMsPerRecord: number;
  kernelCpuMsPerRecord: number;
  recordsPerSecond: number;
  peakRssBytes: number;
  /** What the heap holds after the runs and a full collection: what the process really keeps. */
  liveHeapBytes: number;
}

/**
 * Steady state: `records` records through the warm handler in batches of 10, one invocation
 * after the other, the stand-ins answering at once from their own process. CPU time of the
 * handler's process per record (median of `runs` runs after a warm-up) and its peak RSS.
 */
export const benchmarkSteadyState = async (
  handler: Worker<unknown>,
  settings: { records: number; runs: number; warmupRecords: number },
  progress: (line: string) => void,
): Promise<SteadyStateFigures> => {
  await runBatches(handler, settings.warmupRecords / 10, 10);
  const results: BatchesResult[] = [];
  for (let run = 0; run < settings.runs; run++) {
    const result = await runBatches(handler, settings.records / 10, 10);
    results.push(result);
    progress(
      `  run ${run + 1}: ${(result.cpuMicros / result.records / 1000).toFixed(3)} ms CPU per record ` +
        `(${(result.systemCpuMicros / result.records / 1000).toFixed(3)} ms in the kernel), ` +
        `${Math.round((result.records * 1000) / result.wallMs)} records/s`,
    );
  }
  const memory = await handler.call<MemoryResult>('memory');
  return {
    cpuMsPerRecord: median(results.map((result) => result.cpuMicros / result.records / 1000)),
    kernelCpuMsPerRecord: median(
      results.map((result) => result.systemCpuMicros / result.records / 1000),
    ),
    recordsPerSecond: median(results.map((result) => (result.records * 1000) / result.wallMs)),
    peakRssBytes: memory.maxRssBytes,
    liveHeapBytes: memory.liveHeapBytes,
  };
};

/** The figures of benchmark 2. */
export interface BatchLatencyFigures {
  batchMs: number;
  dependencyLatencies: number;
}

/**
 * Batch latency: one batch of 10 records with every dependency answering after `latencyMs`,
 * the handler warm. Median of `batches` invocations after two warm-up batches.
 */
export const benchmarkBatchLatency = async (
  handler: Worker<unknown>,
  standIns: Worker<StandInsReady>,
  settings: { latencyMs: number; batches: number },
): Promise<BatchLatencyFigures> => {
  await standIns.call('setLatency', { ms: settings.latencyMs });
  try {
    await runBatches(handler, 2, 10);
    const result = await runBatches(handler, settings.batches, 10);
    const batchMs = median(result.invocationMs);
    return { batchMs, dependencyLatencies: batchMs / settings.latencyMs };
  } finally {
    await standIns.call('setLatency', { ms: 0 });
  }
};
