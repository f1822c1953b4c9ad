import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { SinkEvent } from './aws/eventbridge-sink.ts';
import { type HttpApiStats, startHttpApi } from './aws/http-api.ts';
import { startSecretsManager } from './aws/secrets-manager.ts';
import type { LocalAwsStack } from './aws/stack.ts';
import { attachEventGrid, type ConnectionSource } from './eventgrid/attach.ts';
import { type CloudEventJson, connectionCreatedEvent } from './eventgrid/cloud-trace.ts';
import type { DeliveryMode } from './eventgrid/delivery.ts';
import { type EventGridStats, startEventGrid } from './eventgrid/event-grid.ts';
import { startSmn } from './smn/smn.ts';

/** The ingest function's route in serverless.yml, and the one EventGrid's URL uses. */
const INGEST_ROUTES = [
  { method: 'POST', path: '/ingest' },
  { method: 'POST', path: '/ingest/{token}' },
] as const;

const TOKEN_SECRET_ID = 'vpn-monitor-provisioner/ingest-token';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** Options of {@link startIngestPath}. */
export interface IngestPathOptions {
  /** How EventGrid sends; default `mixed` (structured, binary, batched and envelope in turn). */
  mode?: DeliveryMode | 'mixed';
  /**
   * Every how many connections one is announced by an SMN notification (a CTS key event,
   * signed) instead of EventGrid; default 4. 0: EventGrid only.
   */
  smnEvery?: number;
}

/** What went through SMN: the subscription's confirmation, then signed notifications. */
interface SmnPathStats {
  /** The ingest endpoint's answer to the (signed) subscription confirmation. */
  confirmation: number;
  notifications: number;
  /** Deliveries, retries included, by the HTTP status ingest answered. */
  byStatus: Record<string, number>;
}

/** Each hop of the way from Huawei to a monitor, counted. */
export interface IngestPathSummary {
  /** Connections whose creation EventGrid was told of. */
  connectionsCreated: number;
  eventGrid: EventGridStats;
  smn: SmnPathStats;
  /** What the ingest endpoint answered, by HTTP status. */
  ingest: HttpApiStats;
  /** Connections announced this way that got their "monitor created" event. */
  monitored: number;
  /** From "connection created" to "monitor created", over the monitored ones. */
  latencyMs: { median: number; p99: number; max: number } | undefined;
  /**
   * The connections still `PENDING_CREATE` when their event arrived (they make the p99): how
   * many, and how long after turning `ACTIVE` they got their monitor.
   */
  pending: { count: number; afterActiveMs: { median: number; max: number } | undefined };
}

/** The way from the simulated Huawei Cloud to the queue: EventGrid, then the ingest endpoint. */
export interface IngestPath {
  /** The webhook URL EventGrid posts to (it holds the token: never print it). */
  webhookUrl: string;
  /**
   * Attaches EventGrid to the simulator: from now on each connection it creates sends its CTS
   * event; remembers when, for the latency. Returns the function that detaches it.
   */
  attach(simulator: ConnectionSource): () => void;
  /** EventGrid delivers the `n`-th event it sent once more (it delivers at least once). */
  redeliver(pick: (published: readonly CloudEventJson[]) => CloudEventJson | undefined): void;
  /** Resolves once EventGrid has delivered (or given up on) everything it was given. */
  settled(): Promise<void>;
  summary(events: readonly SinkEvent[]): IngestPathSummary;
  /** When each connection was created, epoch ms (for the timing breakdown). */
  createdAt(): ReadonlyMap<string, number>;
  /** Notes that a connection created `PENDING_CREATE` has just turned `ACTIVE`. */
  activated(id: string): void;
  stop(): Promise<void>;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/**
 * Serves the real `ingest` handler like API Gateway's HTTP API would, with its token in a
 * Secrets Manager stand-in, and starts an EventGrid stand-in whose webhook target is that
 * endpoint with the token as the last path segment, and an SMN stand-in subscribed to the same
 * URL: the subscription is confirmed first (signed, its link on the regional console host), then
 * some connections are announced by signed SMN notifications instead of EventGrid. `process.env`
 * must already point at the local AWS stack and name the source queue (`SOURCE_QUEUE_URL`), as
 * for createMonitor.
 */
export const startIngestPath = async (
  aws: LocalAwsStack,
  options: IngestPathOptions = {},
): Promise<IngestPath> => {
  const token = randomBytes(32).toString('base64url');
  const secrets = await startSecretsManager(
    { [TOKEN_SECRET_ID]: JSON.stringify({ current: token }) },
    aws.region,
  );
  const smnRegion = process.env.HUAWEICLOUD_REGION ?? 'cn-north-4';
  const smn = await startSmn({ region: smnRegion });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    INGEST_TOKEN_SECRET_ID: TOKEN_SECRET_ID,
    // The SMN stand-in answers for smn.<region>.myhuaweicloud.com and the console hosts.
    HUAWEICLOUD_SMN_ENDPOINT: smn.endpoint,
    SMN_CONFIRM_REGIONS: smnRegion,
    SMN_TOPIC_URNS: smn.topicUrn,
  });
  const { handler } = (await import('../handlers/ingest.ts')) as { handler: Handler };
  const api = await startHttpApi({
    routes: INGEST_ROUTES,
    handler,
    functionName: 'ingest',
    region: aws.region,
  });
  const webhookUrl = `${api.endpoint}/ingest/${token}`;
  const eventGrid = startEventGrid({ webhookUrl, mode: options.mode ?? 'mixed', retryBaseMs: 50 });
  const createdAt = new Map<string, number>();
  const activatedAt = new Map<string, number>();
  const published: CloudEventJson[] = [];
  const smnStats: SmnPathStats = {
    confirmation: (await smn.deliver(webhookUrl, smn.confirmation())).status,
    notifications: 0,
    byStatus: {},
  };
  const smnDeliveries: Promise<void>[] = [];
  /** SMN retries a failed push; a few tries are enough on loopback. */
  const notify = async (message: Record<string, string>): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { status } = await smn.deliver(webhookUrl, message);
      smnStats.byStatus[status] = (smnStats.byStatus[status] ?? 0) + 1;
      if (status < 500) return;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  };
  const smnEvery = options.smnEvery ?? 4;
  let created = 0;
  // Routes each announcement to EventGrid, or every smnEvery-th to SMN as a CTS key event.
  const announcer = {
    connectionCreated: (notice: Parameters<typeof eventGrid.connectionCreated>[0]) => {
      created++;
      if (smnEvery === 0 || created % smnEvery !== 0) return eventGrid.connectionCreated(notice);
      const event = connectionCreatedEvent(notice);
      smnStats.notifications++;
      smnDeliveries.push(notify(smn.notification(JSON.stringify(event.data), 'CTS key event')));
      return event;
    },
  };

  return {
    webhookUrl,
    attach: (simulator) =>
      attachEventGrid(simulator, announcer, (created, event) => {
        createdAt.set(created.connection.id, Date.now());
        if (published.at(-1) !== event) published.push(event);
      }),
    redeliver: (pick) => {
      const event = pick(published);
      if (event !== undefined) eventGrid.publish(event);
    },
    settled: async () => {
      await Promise.all([eventGrid.idle(), ...smnDeliveries]);
    },
    createdAt: () => createdAt,
    activated: (id) => {
      activatedAt.set(id, Date.now());
    },
    summary: (events) => {
      const firstEvent = new Map<string, number>();
      for (const event of events) {
        const id = String(event.detail.vpn_connection_id);
        const at = Date.parse(event.time);
        if (createdAt.has(id) && !(at >= (firstEvent.get(id) ?? Number.POSITIVE_INFINITY))) {
          firstEvent.set(id, at);
        }
      }
      const latencies = [...firstEvent].map(([id, at]) => at - (createdAt.get(id) ?? at));
      latencies.sort((a, b) => a - b);
      const afterActive = [...activatedAt]
        .map(([id, active]) => (firstEvent.get(id) ?? Number.NaN) - active)
        .filter((ms) => !Number.isNaN(ms))
        .sort((a, b) => a - b);
      return {
        connectionsCreated: createdAt.size,
        eventGrid: eventGrid.stats(),
        smn: { ...smnStats, byStatus: { ...smnStats.byStatus } },
        ingest: api.stats(),
        monitored: firstEvent.size,
        latencyMs:
          latencies.length === 0
            ? undefined
            : {
                median: percentile(latencies, 50),
                p99: percentile(latencies, 99),
                max: latencies.at(-1) ?? 0,
              },
        pending: {
          count: activatedAt.size,
          afterActiveMs:
            afterActive.length === 0
              ? undefined
              : { median: percentile(afterActive, 50), max: afterActive.at(-1) ?? 0 },
        },
      };
    },
    stop: async () => {
      await eventGrid.stop();
      await Promise.all(smnDeliveries);
      await api.stop();
      await secrets.stop();
      await smn.stop();
    },
  };
};

/** Which connections to create and announce through EventGrid, and how fast. */
export interface EventGridPlan {
  projectId: string;
  /** Ids of the connections to create, in order. */
  connections: readonly string[];
  /** Of those, the ones that are still PENDING_CREATE for a moment after they are created. */
  pending: ReadonlySet<string>;
  /** How many of the events EventGrid delivers a second time. */
  redeliveries: number;
  ratePerSecond: number;
  random: () => number;
}

/** The simulator calls the plan needs. */
export interface SimulatedVpn extends ConnectionSource {
  addConnection(projectId: string, id: string, status?: 'PENDING_CREATE' | 'ACTIVE'): unknown;
  setConnectionStatus(projectId: string, id: string, status: 'PENDING_CREATE' | 'ACTIVE'): unknown;
}

/**
 * Creates the plan's connections in the simulator at a steady rate with EventGrid attached, so
 * each creation sends its CTS event through EventGrid to the ingest endpoint; EventGrid
 * delivers some events twice. Pending connections turn ACTIVE 1.5 s after they were created,
 * as on Huawei Cloud. Resolves once every event is delivered and every connection is ACTIVE.
 */
export const announceThroughEventGrid = async (
  path: IngestPath,
  huawei: SimulatedVpn,
  plan: EventGridPlan,
): Promise<void> => {
  const activations: Promise<void>[] = [];
  const gapMs = 1_000 / plan.ratePerSecond;
  const started = Date.now();
  const pickOne = (published: readonly CloudEventJson[]) =>
    published[Math.floor(plan.random() * published.length)];
  // After which creation EventGrid delivers an earlier event again (an index may repeat).
  const redeliverAfter = Array.from({ length: plan.redeliveries }, () =>
    Math.floor(plan.random() * plan.connections.length),
  );
  const detach = path.attach(huawei);
  try {
    for (const [index, id] of plan.connections.entries()) {
      const wait = started + index * gapMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const pending = plan.pending.has(id);
      huawei.addConnection(plan.projectId, id, pending ? 'PENDING_CREATE' : 'ACTIVE');
      if (pending) {
        activations.push(
          new Promise((resolve) => setTimeout(resolve, 1_500)).then(() => {
            huawei.setConnectionStatus(plan.projectId, id, 'ACTIVE');
            path.activated(id);
          }),
        );
      }
      for (const after of redeliverAfter) if (after === index) path.redeliver(pickOne);
    }
  } finally {
    detach();
  }
  await Promise.all([path.settled(), ...activations]);
};
