import { fileURLToPath } from 'node:url';
import { startAnnouncedProcess, startWorker, type Worker } from '../lib/children.ts';
import { compileWorker } from '../lib/compile.ts';
import { profileFlags } from '../lib/lambda-node.ts';
import { median } from '../lib/stats.ts';
import type { ClientKind, ReuseResult, RoundFigures } from './client-worker.ts';

const SIMULATOR_MAIN = fileURLToPath(
  new URL('../../local/huawei-simulator/main.ts', import.meta.url),
);
const CLIENT_WORKER = fileURLToPath(new URL('./client-worker.ts', import.meta.url));

const PROJECT_ID = '5f0e8d3c2b1a49786a5b4c3d2e1f0a9b';
const REGION = 'cn-north-4';
const AK = 'BENCHMARKEXAMPLEAK001';
const SK = 'benchmark-example-secret-key-not-a-secret';

/** The clients compared, in the order they run. */
const CLIENTS: readonly ClientKind[] = [
  'project',
  'sdk-core',
  'bare-undici',
  'bare-node-http',
  'pre-signed-undici',
];

/** How hard to push; every client gets the same. */
export interface SignedCallsSettings {
  /** How long one round makes creates. */
  roundMs: number;
  warmupRounds: number;
  rounds: number;
  /** Connections the simulator generates: the most creates one round can make. */
  maxCreatesPerRound: number;
  /** Calls in flight at once, for every client. */
  concurrency: number;
  /** Keep-alive connections of the undici pools (the project client's pool is its default). */
  connections: number;
  reuseCreates: number;
  /** Runs of the reuse check, each with a fresh client. */
  reuseRuns: number;
  /** Calls in flight during the reuse check: more than the pool has connections. */
  reuseConcurrency: number;
  /** Write CPU profiles of the client processes here. */
  profileDirectory?: string | undefined;
}

/** The figures of benchmarks 1 (signed calls) and 5 (connection reuse). */
export interface SignedCallsFigures {
  /** Median creates per second of each client. */
  perSecond: Record<ClientKind, number>;
  /** Median CPU time of the client's process per create, in microseconds. */
  cpuMicrosPerCreate: Record<ClientKind, number>;
  reuse: ReuseResult;
}

/**
 * Starts the Huawei VPN API simulator in a process of its own and each client in a fresh
 * process of its own, warms every client up, then runs the measured rounds client after
 * client, round after round, all with the same concurrency and round length.
 */
export const benchmarkSignedCalls = async (
  settings: SignedCallsSettings,
  progress: (line: string) => void,
): Promise<SignedCallsFigures> => {
  const worker = await compileWorker(CLIENT_WORKER);
  const simulator = await startAnnouncedProcess<{ endpoint: string }>(SIMULATOR_MAIN, [
    '--project',
    PROJECT_ID,
    '--connections',
    String(Math.max(settings.maxCreatesPerRound, settings.reuseCreates)),
    '--ak',
    AK,
    '--sk',
    SK,
  ]);
  const common = {
    endpoint: simulator.info.endpoint,
    projectId: PROJECT_ID,
    region: REGION,
    ak: AK,
    sk: SK,
  };
  const execArgv = profileFlags(settings.profileDirectory);
  const clients = new Map<ClientKind, Worker<unknown>>();
  try {
    for (const client of CLIENTS) {
      const child = await startWorker(worker, [], { execArgv });
      clients.set(client, child);
      await child.call('open', {
        ...common,
        client,
        maxCreatesPerRound: settings.maxCreatesPerRound,
        concurrency: settings.concurrency,
        connections: settings.connections,
      });
      for (let round = 0; round < settings.warmupRounds; round++) {
        await child.call('round', { roundMs: settings.roundMs });
      }
    }
    progress(`  ${clients.size} clients warmed up; measuring`);
    // Round by round, every client in turn: a slower spell of the machine hits them all.
    const rounds = new Map<ClientKind, RoundFigures[]>(CLIENTS.map((client) => [client, []]));
    for (let round = 0; round < settings.rounds; round++) {
      for (const [client, child] of clients) {
        rounds
          .get(client)
          ?.push(await child.call<RoundFigures>('round', { roundMs: settings.roundMs }));
      }
      progress(`  round ${round + 1} of ${settings.rounds} done`);
    }
    const perSecond = {} as Record<ClientKind, number>;
    const cpuMicrosPerCreate = {} as Record<ClientKind, number>;
    for (const [client, measured] of rounds) {
      perSecond[client] = median(measured.map((round) => round.perSecond));
      cpuMicrosPerCreate[client] = median(measured.map((round) => round.cpuMicrosPerCreate));
      progress(
        `  ${client}: ${Math.round(perSecond[client])} creates/s, ` +
          `${Math.round(cpuMicrosPerCreate[client])} µs of client CPU per create ` +
          `(rounds: ${measured.map((round) => Math.round(round.perSecond)).join(', ')})`,
      );
    }
    for (const child of clients.values()) {
      await child.call('close');
      await child.stop();
    }
    clients.clear();
    const child = await startWorker(worker);
    try {
      const runs: ReuseResult[] = [];
      for (let run = 0; run < settings.reuseRuns; run++) {
        runs.push(
          await child.call<ReuseResult>('reuse', {
            ...common,
            creates: settings.reuseCreates,
            concurrency: settings.reuseConcurrency,
          }),
        );
      }
      const tcpConnections = runs.map((run) => run.tcpConnections);
      progress(`  connection reuse: ${tcpConnections.join(', ')} TCP connections`);
      const [first] = runs;
      if (first === undefined) throw new Error('No connection reuse run');
      return {
        perSecond,
        cpuMicrosPerCreate,
        reuse: { ...first, tcpConnections: median(tcpConnections) },
      };
    } finally {
      await child.stop();
    }
  } finally {
    for (const child of clients.values()) await child.stop();
    await simulator.stop();
  }
};
