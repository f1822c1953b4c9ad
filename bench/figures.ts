import type { FleetFigures } from './fleet/fleet-benchmarks.ts';
import type {
  BatchLatencyFigures,
  ColdStartFigures,
  SteadyStateFigures,
} from './handler/handler-benchmarks.ts';
import type { HeadlineFigures } from './pipeline/headline.ts';
import type { Row, Target } from './report.ts';
import type { SignedCallsFigures } from './signed-calls/signed-calls.ts';

/** Everything one run measured, benchmark by benchmark. */
export interface Measured {
  signed: SignedCallsFigures;
  latency: BatchLatencyFigures;
  latencyMs: number;
  batchSize: number;
  bundleBytes: number;
  zipBytes: number;
  cold: ColdStartFigures;
  steady: SteadyStateFigures;
  /** AWS calls (DynamoDB, SQS, EventBridge) per record in benchmark 4's runs. */
  awsCallsPerRecord: number;
  /** The previous release's bundle, measured the same way in the same run. */
  baseline: { awsCallsPerRecord: number; cpuMsPerRecord: number };
  fleet: FleetFigures;
  /** Created -> monitor through the local pipeline, today's bundle and the previous release's. */
  headline: HeadlineFigures;
}

const MB = 2 ** 20;

/** The table's rows, in order: each figure with its JSON key, unit and target. */
export const figureRows = (m: Measured): Row[] => {
  const rows: Row[] = [];
  const add = (
    benchmark: string,
    label: string,
    key: string,
    value: number,
    unit: string,
    digits: number,
    target?: Target,
  ): void => {
    rows.push({ benchmark, label, key, value, unit, digits, ...(target ? { target } : {}) });
  };
  const { perSecond: rate, cpuMicrosPerCreate: cpu, reuse } = m.signed;

  add('1', 'signed creates/s, this project', 'signed_creates_per_s_project', rate.project, '/s', 0);
  add(
    '1',
    'signed creates/s, official SDK core',
    'signed_creates_per_s_sdk_core',
    rate['sdk-core'],
    '/s',
    0,
  );
  add(
    '1',
    'unsigned POSTs/s, bare undici (ceiling)',
    'unsigned_posts_per_s_bare_undici',
    rate['bare-undici'],
    '/s',
    0,
  );
  add(
    '1',
    'unsigned POSTs/s, bare node:http',
    'unsigned_posts_per_s_bare_node_http',
    rate['bare-node-http'],
    '/s',
    0,
  );
  add(
    '1',
    'creates/s, bare undici, signed before timing',
    'presigned_creates_per_s_bare_undici',
    rate['pre-signed-undici'],
    '/s',
    0,
  );
  add(
    '1',
    'this project / official SDK core',
    'ratio_project_to_sdk_core',
    rate.project / rate['sdk-core'],
    'x',
    2,
    { atLeast: 4 },
  );
  add(
    '1',
    'this project / bare unsigned undici',
    'ratio_project_to_bare_undici',
    rate.project / rate['bare-undici'],
    'x',
    2,
    { atLeast: 0.75 },
  );
  add(
    '1',
    'this project / bare undici signed before timing',
    'ratio_project_to_presigned_undici',
    rate.project / rate['pre-signed-undici'],
    'x',
    2,
    { atLeast: 0.75 },
  );
  add(
    '1',
    'client CPU per create, this project',
    'client_cpu_us_per_create_project',
    cpu.project,
    'µs',
    0,
  );
  add(
    '1',
    'client CPU per create, official SDK core',
    'client_cpu_us_per_create_sdk_core',
    cpu['sdk-core'],
    'µs',
    0,
  );
  add(
    '1',
    'client CPU per POST, bare undici',
    'client_cpu_us_per_post_bare_undici',
    cpu['bare-undici'],
    'µs',
    0,
  );
  add(
    '1',
    'client CPU per POST, bare node:http',
    'client_cpu_us_per_post_bare_node_http',
    cpu['bare-node-http'],
    'µs',
    0,
  );

  add(
    '2',
    `batch of ${m.batchSize}, dependencies at ${m.latencyMs} ms`,
    'batch_latency_ms',
    m.latency.batchMs,
    'ms',
    0,
  );
  add(
    '2',
    'batch latency in dependency latencies',
    'batch_latency_dependency_latencies',
    m.latency.dependencyLatencies,
    '',
    2,
    { atMost: 6 },
  );

  add('3', 'bundle, unzipped .mjs', 'bundle_kb', m.bundleBytes / 1024, 'KB', 0, { atMost: 600 });
  add(
    '3',
    'deployment package, zipped (module + map)',
    'package_zip_kb',
    m.zipBytes / 1024,
    'KB',
    0,
  );
  add('3', 'cold start: init (handler import)', 'cold_init_ms', m.cold.initMs, 'ms', 0, {
    atMost: 150,
  });
  add(
    '3',
    'cold start: first record, end to end',
    'cold_first_invoke_ms',
    m.cold.firstInvokeMs,
    'ms',
    0,
  );
  add(
    '3',
    'official SDK core import, same Lambda flags',
    'sdk_core_import_ms',
    m.cold.sdkCoreImportMs,
    'ms',
    0,
  );
  add(
    '3',
    'official SDK core import, plain node',
    'sdk_core_import_plain_ms',
    m.cold.sdkCoreImportPlainMs,
    'ms',
    0,
  );

  add(
    '3',
    'cold start init vs official SDK core import',
    'cold_init_vs_sdk_core',
    m.cold.initMs / m.cold.sdkCoreImportMs,
    'x',
    2,
    { atMost: 0.6 },
  );

  add('4', 'CPU per record', 'steady_cpu_ms_per_record', m.steady.cpuMsPerRecord, 'ms', 3, {
    atMost: 0.5,
  });
  add(
    '4',
    'of which in the kernel',
    'steady_kernel_cpu_ms_per_record',
    m.steady.kernelCpuMsPerRecord,
    'ms',
    3,
  );
  add(
    '4',
    'records/s, one invocation at a time',
    'steady_records_per_s',
    m.steady.recordsPerSecond,
    '/s',
    0,
  );
  add('4', 'AWS calls per record', 'aws_calls_per_record', m.awsCallsPerRecord, '', 2, {
    below: m.baseline.awsCallsPerRecord,
  });
  add(
    '4',
    'AWS calls per record, previous release',
    'baseline_aws_calls_per_record',
    m.baseline.awsCallsPerRecord,
    '',
    2,
  );
  add(
    '4',
    'CPU per record, previous release',
    'baseline_cpu_ms_per_record',
    m.baseline.cpuMsPerRecord,
    'ms',
    3,
  );
  add(
    '4',
    'CPU per record vs previous release',
    'cpu_per_record_vs_baseline',
    m.steady.cpuMsPerRecord / m.baseline.cpuMsPerRecord,
    'x',
    2,
    { atMost: 1.1 },
  );
  add('4', 'peak RSS', 'steady_peak_rss_mb', m.steady.peakRssBytes / MB, 'MB', 0, { below: 128 });
  add('4', 'live heap after the runs', 'steady_live_heap_mb', m.steady.liveHeapBytes / MB, 'MB', 0);

  add(
    '5',
    `TCP connections for ${reuse.creates} creates`,
    'reuse_tcp_connections',
    reuse.tcpConnections,
    '',
    0,
    { atMost: reuse.poolConnections },
  );

  const { lockout, backlog } = m.fleet;
  add(
    '6',
    'lockout: refused calls at Huawei, 10 + 50 invocations',
    'lockout_refused_calls',
    lockout.refusedCalls,
    '',
    0,
    { atMost: 3 },
  );
  add(
    '6',
    'lockout: key locked (1 = yes)',
    'lockout_key_locked',
    lockout.keyLocked ? 1 : 0,
    '',
    0,
    { atMost: 0 },
  );
  add(
    '7',
    `backlog: drain time / (N/R), N=${backlog.connections}, R=${backlog.rate}/s`,
    'backlog_drain_ratio',
    backlog.drainRatio,
    'x',
    2,
    { atMost: 1.3 },
  );
  add(
    '7',
    'backlog: throttled calls per success',
    'backlog_throttled_per_success',
    backlog.throttledPerSuccess,
    '',
    3,
    { atMost: 0.2 },
  );
  add('7', 'backlog: messages in the DLQ', 'backlog_dlq', backlog.deadLettered, '', 0, {
    atMost: 0,
  });
  add(
    '7',
    'backlog: duplicate monitors',
    'backlog_duplicate_monitors',
    backlog.duplicateMonitors,
    '',
    0,
    { atMost: 0 },
  );
  add(
    '7',
    'backlog: connections without a monitor',
    'backlog_unmonitored',
    backlog.unmonitored,
    '',
    0,
    { atMost: 0 },
  );

  const { today, baseline } = m.headline;
  add(
    '8',
    'created -> monitor, median (local pipeline)',
    'headline_median_ms',
    today.medianMs,
    'ms',
    0,
    {
      atMost: 100,
    },
  );
  add('8', 'created -> monitor, p99', 'headline_p99_ms', today.p99Ms, 'ms', 0, { atMost: 4_000 });
  add(
    '8',
    'created -> monitor, median, previous release',
    'baseline_headline_median_ms',
    baseline.medianMs,
    'ms',
    0,
  );
  add(
    '8',
    'created -> monitor, p99, previous release',
    'baseline_headline_p99_ms',
    baseline.p99Ms,
    'ms',
    0,
  );
  add(
    '8',
    'connections still PENDING_CREATE at their event',
    'headline_pending',
    today.pending,
    '',
    0,
  );
  add(
    '8',
    'of those: monitor after turning ACTIVE, median',
    'headline_pending_after_active_ms',
    today.pendingAfterActiveMedianMs,
    'ms',
    0,
  );
  add(
    '8',
    'lost or duplicated monitors in the pipeline',
    'headline_broken',
    today.lostConnections + today.duplicateMonitors,
    '',
    0,
    { atMost: 0 },
  );
  return rows;
};
