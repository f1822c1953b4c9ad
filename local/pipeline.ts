import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ReconcileSummary } from '../lib/reconcile/index.ts';
import { type BatchReport, runEventSourceMapping } from './aws/event-source-mapping.ts';
import { sleep } from './aws/loopback.ts';
import { isQueueDrained } from './aws/sqs-poller.ts';
import { type AccountsScenario, startAccountsScenario } from './aws/sts-accounts.ts';
import { startCreateMonitorWorld } from './function-environment.ts';
import { seededRandom } from './huawei-simulator/faults.ts';
import { TRANSIENT_FAULT_KINDS } from './huawei-simulator/index.ts';
import {
  announceThroughEventGrid,
  type IngestPathSummary,
  startIngestPath,
} from './ingest-path.ts';
import { addExistingConnections, invokeReconcileLambda } from './reconcile-run.ts';
import { logDeliveries, type TimingBreakdown, timingBreakdown } from './record-timings.ts';
import { BODY_SHAPES, connectionCreatedBody, INVALID_BODIES } from './seed-events.ts';

/**
 * Huawei's rate limit for the VPN API is not documented: the local pipeline assumes 50
 * requests a second per project, twice what its default stream of 25 new connections a
 * second needs, so 429s come only from bursts over it.
 */
export const DEFAULT_RATE_LIMIT = 50;

/** What to feed through the local pipeline. */
export interface PipelineOptions {
  /** Messages to send in all. */
  events: number;
  /** Share of messages that repeat an earlier connection. */
  duplicateRate: number;
  /**
   * Share of Huawei requests that get a random transient fault: a 5xx, a reset or a slow
   * answer, as a real gateway gives (429s come from `rateLimit`, unless `random429`).
   */
  faultRate: number;
  /**
   * Huawei's rate limit as the simulator plays it: requests a second per project (a token
   * bucket holding one second's worth); 429 `APIGW.0308` above it. Default
   * {@link DEFAULT_RATE_LIMIT}; 0 for none.
   */
  rateLimit?: number;
  /** Random faults may be 429s too, that no rate limit caused: a stress option. */
  random429?: boolean;
  /** Share of messages with an invalid body (at least one when > 0). */
  invalidRate: number;
  seed: number;
  /** Records per batch and batches in flight, like the event source mapping. */
  batchSize: number;
  concurrency: number;
  /** The source queue's redrive setting. */
  maxReceiveCount: number;
  /**
   * VPN connections that exist before the event stream starts, with no event at all (a
   * project's connections from before this service was deployed). Default 0.
   */
  existingConnections?: number;
  /** Run the `reconcile` Lambda once before the event stream, so the existing ones are queued. */
  reconcile?: boolean;
  /**
   * Announce the connections the way Huawei Cloud would: each is created in the simulator, its
   * CTS event goes through the EventGrid stand-in to the real `ingest` handler behind a local
   * HTTP API, which queues it; duplicates are EventGrid delivering an event twice. Unknown
   * connections and invalid bodies still go straight to the queue. Default false.
   */
  viaEventGrid?: boolean;
  /** With `viaEventGrid`: connections created per second; default 25. */
  createRatePerSecond?: number;
  onProgress?: (progress: { handled: number; total: number; report: BatchReport }) => void;
  /** Leave the stack running after the summary; the caller stops it. */
  keep?: boolean;
  /**
   * 1 (default): one Huawei key in the environment, one project. 3: three Huawei accounts, one
   * per credential source (static key in a secret, agency, keyless OIDC), no key in the
   * function's environment, connections spread over their projects.
   */
  accounts?: 1 | 3;
  /** Break each record's latency down into phases (`summary.timings`); default false. */
  timings?: boolean;
  /** Run another build of createMonitor (a bundle's path or URL); default the source. */
  handlerModule?: string;
}

/** One account of a multi-account run: how its credentials were served, and its monitors. */
interface AccountRow {
  name: string;
  source: string;
  /** How the credentials were obtained, counted by the stand-ins. */
  servedBy: string;
  projectId: string;
  region: string;
  monitors: number;
}

/** The figures a run ends with; every one is counted from the stand-ins' own state. */
export interface PipelineSummary {
  eventsIn: number;
  byShape: Record<string, number>;
  uniqueConnections: number;
  duplicatesSent: number;
  invalidSent: number;
  unknownConnectionsSent: number;
  notReadyAtFirst: number;
  monitors: number;
  duplicateMonitors: number;
  eventsPublished: number;
  eventsByOutcome: Record<string, number>;
  connectionsWithoutEvent: number;
  /** Connections with neither an event nor a DLQ message: must be 0. */
  lostConnections: number;
  duplicateEvents: number;
  dlq: Record<string, number>;
  dlqTotal: number;
  huaweiRequests: number;
  faultsInjected: number;
  /** The fault mix of the run: what the headline figures were measured under. */
  faultMix: {
    /** Share of Huawei requests given a random fault, and whether 429s were among them. */
    rate: number;
    random429: boolean;
    /** Requests a second per project before Huawei's 429 (0: none), and the 429s it gave. */
    rateLimit: number;
    rateLimited: number;
  };
  redeliveries: number;
  invocations: number;
  durationMs: number;
  /** Connections that existed with no event, and how many of them have a monitor at the end. */
  existingConnections: number;
  existingMonitored: number;
  /** The reconcile run's totals, when one ran. */
  reconcile?: ReconcileSummary['total'] & {
    runId: string;
    durationMs: number;
    /** Whether the run looked for orphaned monitors (else `orphansFound` means nothing). */
    orphansChecked: boolean;
  };
  /** Each hop from Huawei to the queue, when the connections went through EventGrid. */
  ingestPath?: IngestPathSummary;
  /** With `accounts: 3`, a row per account. */
  accounts?: AccountRow[];
  /** Where each record's time went, with `timings`. */
  timings?: TimingBreakdown;
}

const servedBy = (scenario: AccountsScenario, source: string, issued: Record<string, number>) => {
  if (source === 'static')
    return `static key from Secrets Manager (${scenario.secrets.reads()} secret read)`;
  if (source === 'agency')
    return `agency via STS assume with the payments key (${issued.assume ?? 0} credentials issued)`;
  return `keyless: ${scenario.sts.issued()} AWS web identity token, ${issued['assume-with-oidc'] ?? 0} STS assume-with-oidc`;
};

const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const REGION = 'cn-north-4';
const CREDENTIALS = {
  ak: 'LOCALSTACKEXAMPLEAK01',
  sk: 'local-stack-example-secret-key-do-not-use',
};

const sendAll = async (sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> => {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies
      .slice(i, i + 10)
      .map((body, j) => ({ Id: String(j), MessageBody: body }));
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    if (out.Failed?.length) throw new Error(`SQS refused ${out.Failed.length} seed messages`);
  }
};

/**
 * Counts the DLQ's messages by reason. With `release`, each is made visible again at once, so a
 * local stack kept running (`npm start -- --serve`) still holds them for `replay` to show.
 */
const drainQueue = async (sqs: SQSClient, queueUrl: string, release = false) => {
  const reasons: Record<string, number> = {};
  const connections = new Set<string>();
  let total = 0;
  const held: string[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 300,
      }),
    );
    if (!out.Messages?.length) {
      // Released only once all were counted: a message made visible earlier would come again.
      for (let i = 0; i < held.length; i += 10) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: held
              .slice(i, i + 10)
              .map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: 0 })),
          }),
        );
      }
      return { reasons, total, connections };
    }
    for (const message of out.Messages) {
      const raw = message.MessageAttributes?.vpn_monitor_failure?.StringValue;
      const reason = raw
        ? (JSON.parse(raw) as {
            kind: string;
            code?: string;
            message: string;
            vpn_connection_id?: string;
          })
        : undefined;
      if (reason?.vpn_connection_id) connections.add(reason.vpn_connection_id);
      const label = reason
        ? `${reason.kind}${reason.code ? ` ${reason.code}` : ''}: ${reason.message.split(':')[0]}`
        : 'moved by SQS redrive (no reason)';
      reasons[label] = (reasons[label] ?? 0) + 1;
      total++;
    }
    if (release)
      held.push(...out.Messages.flatMap((m) => (m.ReceiptHandle ? [m.ReceiptHandle] : [])));
  }
};

/**
 * Starts the whole local stack in this process, feeds it a realistic stream of "VPN connection
 * created" messages, runs the real `createMonitor` handler the way Lambda's SQS event source
 * mapping does until the queue is empty, and counts what happened.
 */
export const runLocalPipeline = async (options: PipelineOptions) => {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  // The kinds of message add up to `events` exactly, one new connection at least: a run asked
  // for 1 message sends 1 (it used to add an invalid one on top).
  const room = Math.max(0, options.events - 1);
  const invalid = Math.min(
    room,
    options.invalidRate > 0 ? Math.max(1, Math.round(options.events * options.invalidRate)) : 0,
  );
  const duplicates = Math.min(room - invalid, Math.round(options.events * options.duplicateRate));
  const unknown = options.events >= 50 ? Math.max(1, Math.round(options.events * 0.01)) : 0;
  const unique = Math.max(1, options.events - invalid - duplicates - unknown);
  const notReady = options.events >= 50 ? Math.max(1, Math.round(unique * 0.02)) : 0;

  const scenario = options.accounts === 3 ? await startAccountsScenario() : undefined;
  const world = await startCreateMonitorWorld(
    {
      visibilityTimeoutSeconds: 6,
      credentials: CREDENTIALS,
      projectId: PROJECT_ID,
      region: REGION,
      eventBusName: 'vpn-monitor-provisioner-local',
      maxReceiveCount: options.maxReceiveCount,
      handlerModule: options.handlerModule,
    },
    (simulator) => ({
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      HUAWEI_ATTEMPT_TIMEOUT_MS: '1000',
      HUAWEI_RETRY_BASE_MS: '50',
      HUAWEI_RETRY_CAP_MS: '500',
      HUAWEI_THROTTLE_PAUSE_MS: '50',
      NOT_READY_DELAY_SECONDS: '1',
      // Unknown connections are waited for this long after their event, then dead-lettered.
      NOT_FOUND_GRACE_SECONDS: '3',
      ...scenario?.environmentFor(simulator.endpoint),
      // Many accounts: no Huawei key and no default project in the function's environment.
      ...(scenario
        ? {
            HUAWEICLOUD_SDK_AK: undefined,
            HUAWEICLOUD_SDK_SK: undefined,
            HUAWEICLOUD_PROJECT_ID: undefined,
          }
        : {}),
    }),
    scenario ? { credentials: [], identity: scenario.identity } : undefined,
  );
  const { aws, huawei } = world;
  const deliveryLog = options.timings
    ? logDeliveries(world.handler, { projectId: PROJECT_ID, region: REGION })
    : undefined;
  const handler = deliveryLog?.handler ?? world.handler;
  if (options.timings) {
    huawei.traceRequests(true);
    aws.dynamoDb.traceRequests(true);
  }
  const targets = scenario?.accounts ?? [{ projectId: PROJECT_ID, region: REGION }];
  const ingestPath = options.viaEventGrid ? await startIngestPath(aws) : undefined;

  // Connections from before the deployment: no event will ever name them. A reconcile run
  // (the real Lambda handler) finds them and queues them before the event stream starts.
  const home = targets[0] ?? { projectId: PROJECT_ID, region: REGION };
  const existing = addExistingConnections(huawei, home.projectId, options.existingConnections ?? 0);
  let reconciled: PipelineSummary['reconcile'];
  if (options.reconcile) {
    const run = await invokeReconcileLambda({ queue: aws.sqs.queueUrl }, aws.region);
    reconciled = {
      ...run.total,
      runId: run.runId,
      durationMs: run.durationMs,
      orphansChecked: run.targets.some((target) => target.orphansChecked),
    };
  }

  // Connections spread over the projects, round robin; each remembers its project. Through
  // EventGrid (one project), each connection is created just before its event is sent.
  const targetOf = new Map<string, { projectId: string; region: string }>();
  const connections = Array.from({ length: unique }, (_, i) => {
    if (ingestPath) return randomUUID();
    const target = targets[i % targets.length] ?? home;
    const id = huawei.addConnection(target.projectId, randomUUID()).id;
    targetOf.set(id, target);
    return id;
  });
  const pending = connections.slice(0, notReady);
  const projectOf = (id: string): string => targetOf.get(id)?.projectId ?? home.projectId;
  if (!ingestPath) {
    for (const id of pending) huawei.setConnectionStatus(projectOf(id), id, 'PENDING_CREATE');
  }
  // Connections finish creating a moment later, as on Huawei Cloud.
  // (Through EventGrid, each one 1.5 s after it was created: announceThroughEventGrid.)
  const becomeActive = setTimeout(() => {
    if (ingestPath) return;
    for (const id of pending) huawei.setConnectionStatus(projectOf(id), id, 'ACTIVE');
  }, 1_500);

  const byShape: Record<string, number> = {};
  const announce = (vpnConnectionId: string): string => {
    const shape = pick(BODY_SHAPES);
    byShape[shape] = (byShape[shape] ?? 0) + 1;
    const target = targetOf.get(vpnConnectionId) ?? home;
    return connectionCreatedBody(shape, { vpnConnectionId, ...target });
  };
  const bodies = [
    ...(ingestPath ? [] : connections.map(announce)),
    ...Array.from({ length: ingestPath ? 0 : duplicates }, () => announce(pick(connections))),
    ...Array.from({ length: unknown }, () => announce(randomUUID())),
    ...Array.from(
      { length: invalid },
      (_, i) => INVALID_BODIES[i % INVALID_BODIES.length] as string,
    ),
  ];
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
  }

  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (rateLimit > 0) huawei.setRateLimit({ requestsPerSecond: rateLimit });
  if (options.faultRate > 0) {
    huawei.setRandomFaults({
      rate: options.faultRate,
      kinds: [...TRANSIENT_FAULT_KINDS, ...(options.random429 ? (['throttle'] as const) : [])],
      seed: options.seed,
      slowMs: 300,
    });
  }
  await sendAll(aws.clients.sqs, aws.sqs.queueUrl, bodies);

  let handled = 0;
  const mapping = runEventSourceMapping({
    sqs: aws.clients.sqs,
    queueUrl: aws.sqs.queueUrl,
    queueArn: aws.sqs.queueArn,
    handler,
    functionName: 'createMonitor',
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    functionTimeoutMs: 6_000,
    // Through EventGrid, the queue can be empty between deliveries: the run ends below instead.
    untilEmpty: !ingestPath,
    onBatch: (report) => {
      handled += report.deleted;
      const viaEventGrid = ingestPath ? connections.length + duplicates : 0;
      options.onProgress?.({
        handled,
        total: bodies.length + viaEventGrid + (reconciled?.enqueued ?? 0),
        report,
      });
    },
  });
  if (ingestPath) {
    byShape['cloud-trace via EventGrid or SMN'] = connections.length + duplicates;
    await announceThroughEventGrid(ingestPath, huawei, {
      projectId: PROJECT_ID,
      connections,
      pending: new Set(pending),
      redeliveries: duplicates,
      ratePerSecond: options.createRatePerSecond ?? 25,
      random,
    });
    while (!(await isQueueDrained(aws.clients.sqs, aws.sqs.queueUrl))) await sleep(100);
    await mapping.stop();
  }
  const mappingStats = await mapping.finished;
  clearTimeout(becomeActive);
  huawei.setRandomFaults(undefined);

  const monitors = targets.flatMap((target) => huawei.monitors(target.projectId));
  const monitorCount = new Map<string, number>();
  for (const m of monitors)
    monitorCount.set(m.vpn_connection_id, (monitorCount.get(m.vpn_connection_id) ?? 0) + 1);
  const events = aws.eventBridge.events();
  const eventsByConnection = new Map<string, number>();
  const eventsByOutcome: Record<string, number> = {};
  for (const e of events) {
    const id = String(e.detail.vpn_connection_id);
    eventsByConnection.set(id, (eventsByConnection.get(id) ?? 0) + 1);
    const outcome = String(e.detail.outcome);
    eventsByOutcome[outcome] = (eventsByOutcome[outcome] ?? 0) + 1;
  }
  const dlq = await drainQueue(aws.clients.sqs, aws.sqs.dlqUrl, options.keep === true);
  const publishedAt = new Map<string, number>();
  for (const e of events) {
    const id = String(e.detail.vpn_connection_id);
    const at = Date.parse(e.time);
    if (!((publishedAt.get(id) ?? Number.POSITIVE_INFINITY) <= at)) publishedAt.set(id, at);
  }
  const timings = deliveryLog
    ? timingBreakdown({
        createdAt: ingestPath?.createdAt() ?? new Map(),
        publishedAt,
        deliveries: deliveryLog.deliveries(),
        huawei: huawei.requests(),
        dynamoDb: aws.dynamoDb.requests(),
      })
    : undefined;
  huawei.traceRequests(false);
  aws.dynamoDb.traceRequests(false);
  const simulatorStats = huawei.stats();

  const summary: PipelineSummary = {
    eventsIn: bodies.length + (ingestPath ? connections.length + duplicates : 0),
    byShape,
    uniqueConnections: connections.length,
    duplicatesSent: duplicates,
    invalidSent: invalid,
    unknownConnectionsSent: unknown,
    notReadyAtFirst: notReady,
    monitors: monitors.length,
    duplicateMonitors: [...monitorCount.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    eventsPublished: events.length,
    eventsByOutcome,
    connectionsWithoutEvent: connections.filter((id) => !eventsByConnection.has(id)).length,
    lostConnections: connections.filter(
      (id) => !eventsByConnection.has(id) && !dlq.connections.has(id),
    ).length,
    duplicateEvents: [...eventsByConnection.values()].reduce(
      (sum, n) => sum + Math.max(0, n - 1),
      0,
    ),
    dlq: dlq.reasons,
    dlqTotal: dlq.total,
    huaweiRequests: simulatorStats.requests,
    faultsInjected: simulatorStats.faultsInjected,
    faultMix: {
      rate: options.faultRate,
      random429: options.random429 ?? false,
      rateLimit,
      rateLimited: simulatorStats.rateLimited,
    },
    redeliveries: mappingStats.failed,
    invocations: mappingStats.invocations,
    durationMs: Date.now() - started,
    existingConnections: existing.length,
    existingMonitored: existing.filter((id) => monitorCount.has(id)).length,
    ...(reconciled ? { reconcile: reconciled } : {}),
    ...(ingestPath ? { ingestPath: ingestPath.summary(events) } : {}),
    ...(scenario
      ? {
          accounts: scenario.accounts.map((account) => ({
            name: account.name,
            source: account.source,
            servedBy: servedBy(scenario, account.source, huawei.identity.stats().issued),
            projectId: account.projectId,
            region: account.region,
            monitors: huawei.monitors(account.projectId).length,
          })),
        }
      : {}),
    ...(timings ? { timings } : {}),
  };
  const stop = async () => {
    await ingestPath?.stop();
    await huawei.stop();
    await scenario?.stop();
    await aws.stop();
  };
  if (!options.keep) await stop();
  return {
    summary,
    stop,
    endpoints: { sqs: aws.sqs, huawei: huawei.endpoint, eventBridge: aws.eventBridge.endpoint },
    /** What a kept stack (`keep`) offers for serving: see local/serve.ts. */
    world: {
      aws,
      huawei,
      handler,
      ingestUrl: ingestPath?.webhookUrl,
      projectId: home.projectId,
      region: home.region,
      credentials: CREDENTIALS,
    },
  };
};
