import { parseArgs } from 'node:util';
import { DEFAULT_RATE_LIMIT, type PipelineOptions } from './pipeline.ts';

/** Usage of `npm start`, as `--help` prints it; the ranges are the ones the options enforce. */
export const START_USAGE = `Usage: npm start -- [options]

Runs vpn-monitor-provisioner end to end on an embedded local stack (SQS and DynamoDB emulators,
a Huawei VPN API simulator, a local EventBridge), no cloud account needed. By default every new
connection takes the whole way: created in the simulator, its CTS event sent by an EventGrid
stand-in (every fourth as a signed SMN notification, after a signed subscription confirmation)
to the real ingest handler (behind a local HTTP API), queued, then provisioned.

Options:
  --events N          messages to send, 1-100000 (default 300)
  --duplicates R      share of messages repeating a connection, 0-0.9 (default 0.1)
  --faults R          share of Huawei requests given a transient fault, 0-0.9 (default 0.1):
                      5xx, resets and slow answers, as a real gateway gives
  --rate-limit N      Huawei requests a second per project before 429 APIGW.0308, 0-100000
                      (default 50; Huawei does not document its limit; 0 for none)
  --random-429        random faults may be 429s too, that no rate limit caused (stress)
  --invalid R         share of invalid message bodies, 0-0.5 (default 0.02)
  --seed N            random seed, for a repeatable run (default: time based)
  --batch-size N      records per invocation, 1-10 (default 10)
  --concurrency N     invocations at once, 1-20 (default 2)
  --max-receive N     deliveries before SQS dead-letters a message, 1-1000 (default 3)
  --existing N        VPN connections that exist with no event at all, as before a first
                      deployment, 0-100000 (default 450 with --reconcile, else 0)
  --reconcile         run the reconcile Lambda once before the event stream: it lists every
                      connection (pages of 200) and queues those without a monitor
  --direct            put the "connection created" messages straight on the queue (mixed
                      shapes), skipping EventGrid and the ingest endpoint
  --create-rate N     with EventGrid: connections created per second, 1-10000 (default 25)
  --accounts N        1 (default): one Huawei key; 3: three Huawei accounts, one per
                      credential source (static key, agency, keyless OIDC federation), with
                      no Huawei key in the function's environment (implies --direct)
  --timings           break each connection's created -> monitor time down into phases
                      (ingest, queue wait, redeliveries, Huawei calls, publish wait...)
  --serve             after the run, keep every stand-in running, print their endpoints and
                      the replay, reconcile and curl commands that work against them; Ctrl-C
                      stops (not with --accounts 3)
  --health            instead of the pipeline: the health function over --existing monitored
                      connections (default 50), one of them degraded in the simulated Cloud
                      Eye and then recovered: two "VPN Connection Health Changed" events, none
                      for the others
  --json              print the summary as JSON
  --help              this text`;

/** A mistake in `npm start`'s options: one line, naming the fix. */
export class StartUsageError extends Error {
  override name = 'StartUsageError';
}

const OPTIONS = {
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
  serve: { type: 'boolean' },
  health: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** What `npm start` was asked for: the run's options, each decided, and what to do after. */
export interface StartOptions
  extends Required<
    Pick<
      PipelineOptions,
      | 'events'
      | 'duplicateRate'
      | 'faultRate'
      | 'invalidRate'
      | 'seed'
      | 'batchSize'
      | 'concurrency'
      | 'maxReceiveCount'
      | 'existingConnections'
      | 'reconcile'
      | 'accounts'
      | 'viaEventGrid'
      | 'createRatePerSecond'
      | 'timings'
      | 'rateLimit'
      | 'random429'
    >
  > {
  help: boolean;
  serve: boolean;
  /** The health demo instead of the pipeline (`existingConnections` monitored connections). */
  health: boolean;
  json: boolean;
}

const HELP = 'npm start -- --help lists the options';

/** The known option closest to a mistyped one (`--account` for `--accounts`), if any is close. */
const closest = (name: string): string | undefined =>
  Object.keys(OPTIONS).find(
    (option) => option.startsWith(name) || name.startsWith(option) || option.includes(name),
  );

/** Rewrites node:util's parseArgs errors as one line naming the fix. */
const parseFailure = (error: unknown): StartUsageError => {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closest(option.replace(/^-+/, ''));
    return new StartUsageError(
      `Unknown option ${option}${near !== undefined ? `: did you mean --${near}?` : ''} (${HELP})`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new StartUsageError(`${option} needs a value, e.g. ${option} 10 (${HELP})`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new StartUsageError(`Unexpected argument: options start with -- (${HELP})`);
  }
  return new StartUsageError(`${message} (${HELP})`);
};

/**
 * Reads `npm start`'s arguments; throws a {@link StartUsageError} with one line for an unknown
 * option, a missing value, or a value out of its range (the same range `--help` prints).
 */
export const parseStartOptions = (argv: string[]): StartOptions => {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (error: unknown) {
    throw parseFailure(error);
  }
  const number = (
    name: keyof typeof OPTIONS,
    fallback: number,
    min: number,
    max: number,
    integer = true,
  ): number => {
    const raw = values[name];
    if (raw === undefined || typeof raw === 'boolean') return fallback;
    const n = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(n) ||
      n < min ||
      n > max ||
      (integer && !Number.isInteger(n))
    ) {
      const kind = integer ? 'a whole number' : 'a number';
      throw new StartUsageError(
        `--${name} must be ${kind} from ${min} to ${max}, got "${raw}" (${HELP})`,
      );
    }
    return n;
  };
  if (values.accounts !== undefined && values.accounts !== '1' && values.accounts !== '3') {
    throw new StartUsageError(`--accounts must be 1 or 3, got "${values.accounts}" (${HELP})`);
  }
  const accounts = values.accounts === '3' ? 3 : 1;
  const serve = values.serve ?? false;
  if (serve && accounts === 3) {
    throw new StartUsageError(`--serve runs with one Huawei account: drop --accounts 3 (${HELP})`);
  }
  const reconcile = values.reconcile ?? false;
  return {
    help: values.help ?? false,
    events: number('events', 300, 1, 100_000),
    duplicateRate: number('duplicates', 0.1, 0, 0.9, false),
    faultRate: number('faults', 0.1, 0, 0.9, false),
    invalidRate: number('invalid', 0.02, 0, 0.5, false),
    seed: number('seed', Date.now() % 1_000_000, 0, Number.MAX_SAFE_INTEGER),
    batchSize: number('batch-size', 10, 1, 10),
    concurrency: number('concurrency', 2, 1, 20),
    maxReceiveCount: number('max-receive', 3, 1, 1000),
    existingConnections: number('existing', reconcile ? 450 : 0, 0, 100_000),
    reconcile,
    accounts,
    viaEventGrid: !(values.direct ?? false) && accounts !== 3,
    createRatePerSecond: number('create-rate', 25, 1, 10_000),
    timings: values.timings ?? false,
    rateLimit: number('rate-limit', DEFAULT_RATE_LIMIT, 0, 100_000),
    random429: values['random-429'] ?? false,
    serve,
    health: values.health ?? false,
    json: values.json ?? false,
  };
};
