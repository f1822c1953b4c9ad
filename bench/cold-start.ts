/**
 * Benchmark 3 alone, as `npm run bench` measures it (a fresh process per cold start, the
 * template's `NODE_OPTIONS` and heap flags, the first record against the stand-ins), with the
 * official SDK core's import beside it; variants of the handler can take turns with it in the
 * same minutes, so that their ratios compare on a noisy machine.
 *
 *   npm run bench:cold -- [--rounds 15] [--profile DIR] [--keep DIR] [VARIANT...]
 *
 * The artifact `serverless package` builds always runs (unpacked to `--keep` when given, to be a
 * variant of a later run). A VARIANT is another handler module, optionally with its own
 * `NODE_OPTIONS` after `::` (`old/handlers/create-monitor.mjs::--enable-source-maps`).
 * `--profile` writes one more, profiled, cold start per handler into DIR and prints its CPU
 * time by module.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ColdStart } from './cold-start/handler-cold-start.ts';
import { summariseProfile } from './cold-start/profile-summary.ts';
import { prepareArtifact } from './handler/artifact.ts';
import { compileHandlerWorkers, importSdkCore } from './handler/handler-benchmarks.ts';
import { sqsEvent } from './handler/records.ts';
import type { StandInsReady } from './handler/stand-ins.ts';
import { runOnce, startWorker } from './lib/children.ts';
import { lambdaNodeFlags, profileFlags } from './lib/lambda-node.ts';
import { median } from './lib/stats.ts';

const STAND_INS = fileURLToPath(new URL('./handler/stand-ins.ts', import.meta.url));

const { values: flags, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    profile: { type: 'string' },
    keep: { type: 'string' },
  },
  allowPositionals: true,
  strict: true,
});
const rounds = Number(flags.rounds);

const artifact = await prepareArtifact(flags.keep);
const variants = [
  { label: 'the artifact', modulePath: artifact.modulePath, nodeOptions: artifact.nodeOptions },
  ...positionals.map((text) => {
    const [modulePath = '', nodeOptions = artifact.nodeOptions] = text.split('::');
    return { label: text, modulePath, nodeOptions };
  }),
];
const workers = await compileHandlerWorkers();
const standIns = await startWorker<StandInsReady>(STAND_INS, [
  String((rounds + 2) * (variants.length + 1)),
]);
let nextConnection = 0;

const coldStart = (
  variant: (typeof variants)[number],
  execArgv: string[] = [],
): Promise<ColdStart> => {
  const { environment, projectId } = standIns.ready;
  const event = sqsEvent(projectId, environment.HUAWEICLOUD_REGION ?? '', nextConnection++, 1);
  return runOnce<ColdStart>(
    workers.coldStart,
    [pathToFileURL(variant.modulePath).href, artifact.exportName, JSON.stringify(event)],
    {
      env: {
        ...environment,
        NODE_OPTIONS: variant.nodeOptions,
        AWS_LAMBDA_FUNCTION_NAME: 'createMonitor',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(artifact.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        POWERTOOLS_SERVICE_NAME: 'vpn-monitor-provisioner',
        LOG_LEVEL: 'INFO',
        MAX_RECEIVE_COUNT: '5',
      },
      execArgv: [...lambdaNodeFlags(artifact.memoryMb), ...execArgv],
    },
  );
};

try {
  const starts = variants.map((): ColdStart[] => []);
  const sdk: number[] = [];
  const sdkPlain: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    for (const [index, variant] of variants.entries()) {
      const start = await coldStart(variant);
      if (start.failures > 0) throw new Error(`${variant.label}: the first record failed`);
      if (round > 0) starts[index]?.push(start);
    }
    const { sameFlagsMs, plainMs } = await importSdkCore(workers, artifact.memoryMb);
    if (round > 0) {
      sdk.push(sameFlagsMs);
      sdkPlain.push(plainMs);
    }
  }
  const sdkMs = median(sdk);
  process.stdout.write(
    `official SDK core import: ${sdkMs.toFixed(1)} ms under the same Lambda flags, ` +
      `${median(sdkPlain).toFixed(1)} ms in plain node (median of ${rounds}, taking turns)\n`,
  );
  for (const [index, variant] of variants.entries()) {
    const measured = starts[index] ?? [];
    const init = median(measured.map((start) => start.initMs));
    const first = median(measured.map((start) => start.firstInvokeMs));
    process.stdout.write(
      `${variant.label}: init ${init.toFixed(1)} ms = ${(init / sdkMs).toFixed(2)}x, ` +
        `first record ${first.toFixed(1)} ms\n`,
    );
  }
  if (flags.profile !== undefined) {
    for (const [index, variant] of variants.entries()) {
      const directory = join(flags.profile, String(index));
      await coldStart(variant, [...profileFlags(directory), '--cpu-prof-interval=100']);
      const [file] = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'));
      if (file === undefined) continue;
      process.stdout.write(`${variant.label}, profiled (init and first record), CPU by module:\n`);
      for (const [module, ms] of summariseProfile(join(directory, file)).slice(0, 20)) {
        process.stdout.write(`  ${ms.toFixed(1).padStart(8)} ms  ${module}\n`);
      }
    }
  }
} finally {
  await standIns.stop();
  if (flags.keep === undefined) artifact.remove();
}
