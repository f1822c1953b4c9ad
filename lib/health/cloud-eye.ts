import type { HealthSettings } from '../config/index.ts';
import { DeadlineExceededError } from '../errors.ts';
import {
  type AdaptivePacer,
  type CallOptions,
  type CredentialsProvider,
  createKeepAlivePools,
  encodeRfc3986,
  expectAnswer,
  type KeepAlivePools,
  parseJson,
  parseRetryAfter,
  redactedAnswer,
  sendHuaweiRequest,
  toNetworkError,
  type VpnTarget,
} from '../huawei/index.ts';
import * as z from '../zod.ts';
import type { HealthFigures } from './decide.ts';

/**
 * Cloud Eye (CES) as the health check reads it. Sources (docs/huawei-api.md, "Cloud Eye"):
 * the CES API reference, "Querying Monitoring Data in Batches" (`POST
 * /V1.0/{project_id}/batch-query-metric-data`, at most 500 metrics a call, metrics x (to -
 * from) / interval <= 3000 data points, else Cloud Eye moves `from` itself), and the Go SDK's
 * `services/ces/v1/model/model_batch_list_metric_data_request_body.go` (`period`, `filter`,
 * `from`, `to` in epoch ms, metrics array max 500); the VPN user guide's "Metrics (S2C
 * Enterprise Edition VPN)" for the namespace, the dimension and the metric names.
 */
const VPN_NAMESPACE = 'SYS.VPN';
/** The dimension that names one VPN connection in `SYS.VPN`. */
const CONNECTION_DIMENSION = 'evpn_connection_id';
/** Cloud Eye's largest `metrics` array in one batch query. */
export const MAX_METRICS_PER_CALL = 500;
/** Cloud Eye's largest answer: metrics x points per metric; beyond it Cloud Eye shortens the window. */
export const MAX_POINTS_PER_CALL = 3000;
/** `period: "1"` is the raw data; a VPN connection reports it once a minute. */
const RAW_PERIOD = '1';
/** The interval of raw VPN data points, as Cloud Eye counts them against the 3000. */
const RAW_INTERVAL_MS = 60_000;

/** The VPN metrics the health check reads for one connection, by what they measure. */
const HEALTH_METRICS = {
  /** 0 not connected, 1 connected, 2 unknown. */
  status: 'connection_status',
  link: { loss: 'link_packet_loss_rate', latency: 'link_average_latency' },
  tunnel: { loss: 'tunnel_packet_loss_rate', latency: 'tunnel_average_latency' },
} as const;

/** Which of the monitor's figures decide: the physical link's or the tunnel's. */
type MetricSource = HealthSettings['metricSource'];

const datapointSchema = z.looseObject({
  timestamp: z.number(),
  average: z.optional(z.nullable(z.number())),
});

const metricDataSchema = z.looseObject({
  namespace: z.optional(z.string()),
  metric_name: z.string(),
  dimensions: z.optional(
    z.nullable(z.array(z.looseObject({ name: z.string(), value: z.string() }))),
  ),
  datapoints: z.optional(z.nullable(z.array(datapointSchema))),
  unit: z.optional(z.nullable(z.string())),
});
type MetricData = z.infer<typeof metricDataSchema>;

/**
 * `200` answer of the batch query. `metrics` is optional in the Go SDK's model, so an answer
 * without it is read as no data, unless the body is an error body (a gateway's or Cloud Eye's
 * refusal sent with a 200): that answers no query and, read as no data, would turn every
 * connection of the project `no-data`. It is an unreadable answer instead, asked again.
 */
const batchAnswerSchema = z.lazy(() =>
  z
    .looseObject({
      metrics: z.optional(z.nullable(z.array(metricDataSchema))),
      request_id: z.optional(z.string()),
    })
    .check(
      z.refine((answer) => answer.metrics != null || !isErrorBody(answer), {
        error: 'an error body, not metric data',
      }),
    ),
);

/** Cloud Eye v1's error body, current edition: `{"http_code", "message": {"details", "code"}}`. */
const cesV1ErrorSchema = z.lazy(() =>
  z.looseObject({
    http_code: z.string(),
    message: z.looseObject({ details: z.optional(z.string()), code: z.optional(z.string()) }),
  }),
);

/** Older editions: `{"code": 400, "element", "message", "details": {"details", "code"}}`. */
const cesV1LegacyErrorSchema = z.lazy(() =>
  z.looseObject({
    code: z.number(),
    message: z.optional(z.string()),
    details: z.optional(
      z.looseObject({ details: z.optional(z.string()), code: z.optional(z.string()) }),
    ),
  }),
);

/** Whether a JSON body is an error body in any of Cloud Eye's or the gateway's shapes. */
const isErrorBody = (json: object): boolean =>
  'error_code' in json ||
  'error_msg' in json ||
  cesV1ErrorSchema.safeParse(json).success ||
  cesV1LegacyErrorSchema.safeParse(json).success;

/**
 * An error answer's body as the shared reader takes it (`error_code`, `error_msg`: what Cloud
 * Eye v2 and the VPN API write). The v1 shapes carry the code and text elsewhere, with an object
 * or a number where the reader expects text, so they would be read as unreadable answers instead
 * of the refusal they are. Any other body is left as it is.
 */
const asHuaweiErrorBody = (body: string): string => {
  const json = parseJson(body);
  const v1 = cesV1ErrorSchema.safeParse(json);
  if (v1.success) {
    return JSON.stringify({ error_code: v1.data.message.code, error_msg: v1.data.message.details });
  }
  const legacy = cesV1LegacyErrorSchema.safeParse(json);
  if (legacy.success) {
    const { details, message } = legacy.data;
    return JSON.stringify({ error_code: details?.code, error_msg: details?.details ?? message });
  }
  return body;
};

/** How the client is built; one per container, like the VPN client. */
interface CloudEyeClientOptions {
  endpoint: (region: string) => string;
  credentials: { forTarget(target: VpnTarget): CredentialsProvider };
  attemptTimeoutMs: number;
  /** Cloud Eye's rate limit is not documented: the pacer learns it from 429s, per project. */
  pacer?: AdaptivePacer | undefined;
}

/**
 * The Cloud Eye API, signed with the project's account key (the same AK/SK signing and
 * keep-alive request as the VPN client), paced per project. Failures become the same typed
 * errors, so the retry policy and the credential gate treat them alike.
 */
export class CloudEyeClient {
  readonly #options: CloudEyeClientOptions;
  readonly #pools: KeepAlivePools = createKeepAlivePools(16);

  public constructor(options: CloudEyeClientOptions) {
    this.#options = options;
  }

  /** `POST /V1.0/{project_id}/batch-query-metric-data`: the metrics' points in the window. */
  public async batchQueryMetricData(
    target: VpnTarget,
    query: ReturnType<typeof batchQueryOf>,
    options: CallOptions = {},
  ): Promise<MetricData[]> {
    const operation = 'Cloud Eye batchQueryMetricData';
    if (options.signal?.aborted) {
      throw new DeadlineExceededError(`Huawei ${operation} not attempted: the run is ending`);
    }
    const url = new URL(
      `${this.#options.endpoint(target.region)}/V1.0/${encodeRfc3986(target.projectId)}/batch-query-metric-data`,
    );
    const pacer = this.#options.pacer;
    await pacer?.acquire(
      target.projectId,
      options.deadline ?? Number.POSITIVE_INFINITY,
      options.signal,
    );
    const credentials = await this.#options.credentials.forTarget(target).get();
    let response: Awaited<ReturnType<typeof sendHuaweiRequest>>;
    try {
      response = await sendHuaweiRequest(this.#pools, {
        method: 'POST',
        url,
        body: JSON.stringify(query),
        headers: { 'x-project-id': target.projectId },
        credentials,
        date: new Date(),
        timeoutMs: this.#options.attemptTimeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) {
        throw new DeadlineExceededError(`Huawei ${operation} cut short: the run is ending`, {
          cause: error,
        });
      }
      throw toNetworkError(operation, error);
    }
    // Redacted as the VPN client's answers are: the body raw and JSON-decoded, and the headers.
    const answer = redactedAnswer(response, credentials);
    pacer?.observe(target.projectId, answer.status, parseRetryAfter(answer.retryAfterHeader));
    const read =
      answer.status === 200 ? answer : { ...answer, body: asHuaweiErrorBody(answer.body) };
    const { parsed } = expectAnswer(operation, read, {
      status: [200],
      schema: batchAnswerSchema,
    });
    return parsed.metrics ?? [];
  }

  /** Closes the keep-alive connections (commands and tests; Lambda just freezes). */
  public async close(): Promise<void> {
    this.#pools.http.destroy();
    this.#pools.https.destroy();
  }
}

/** The metrics read per connection: its status, and the loss and latency of `source`. */
export const metricNamesOf = (source: MetricSource): string[] => [
  HEALTH_METRICS.status,
  HEALTH_METRICS[source].loss,
  HEALTH_METRICS[source].latency,
];

/**
 * How many connections one batch query can carry: as many of their metrics as Cloud Eye takes
 * in one call (500), and no more than keep the answer within its 3000 points, so Cloud Eye
 * never shortens the window on its own. A window longer than 3000 minutes is one connection
 * per call (and then shortened by Cloud Eye: say so in the configuration's limit).
 */
export const connectionsPerCall = (windowMinutes: number, metricsPerConnection: number): number => {
  const pointsPerMetric = Math.max(1, Math.ceil((windowMinutes * 60_000) / RAW_INTERVAL_MS));
  const metrics = Math.min(MAX_METRICS_PER_CALL, Math.floor(MAX_POINTS_PER_CALL / pointsPerMetric));
  return Math.max(1, Math.floor(metrics / metricsPerConnection));
};

/** The batch query of some connections' metrics over the window that ends at `now`. */
export const batchQueryOf = (
  connectionIds: readonly string[],
  source: MetricSource,
  windowMinutes: number,
  now: number,
) => ({
  metrics: connectionIds.flatMap((id) =>
    metricNamesOf(source).map((metric_name) => ({
      namespace: VPN_NAMESPACE,
      metric_name,
      dimensions: [{ name: CONNECTION_DIMENSION, value: id }],
    })),
  ),
  from: now - windowMinutes * 60_000,
  to: now,
  period: RAW_PERIOD,
  // Cloud Eye also takes `max`, `min`, `sum` and `variance`.
  filter: 'average' as const,
});

/** The mean, rounded for events and logs: two decimals are more than Cloud Eye measures. */
const roundedMean = (values: readonly number[]): number | undefined =>
  values.length === 0
    ? undefined
    : Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 100) / 100;

/**
 * Each connection's figures from a batch answer: the mean loss and latency over the window and
 * the latest status. A metric Cloud Eye answered for a connection not asked about is ignored;
 * a connection asked about with no point at all has `points: 0`.
 */
export const figuresFrom = (
  answer: readonly MetricData[],
  connectionIds: readonly string[],
  source: MetricSource,
): Map<string, HealthFigures> => {
  const names = HEALTH_METRICS[source];
  const collected = new Map<
    string,
    { points: number; loss: number[]; latency: number[]; status?: { at: number; value: number } }
  >(connectionIds.map((id) => [id, { points: 0, loss: [], latency: [] }]));
  for (const metric of answer) {
    const id = metric.dimensions?.find((d) => d.name === CONNECTION_DIMENSION)?.value;
    const entry = id === undefined ? undefined : collected.get(id);
    if (entry === undefined) continue;
    for (const point of metric.datapoints ?? []) {
      const value = point.average;
      if (value === undefined || value === null || !Number.isFinite(value)) continue;
      entry.points += 1;
      if (metric.metric_name === names.loss) entry.loss.push(value);
      else if (metric.metric_name === names.latency) entry.latency.push(value);
      else if (metric.metric_name === HEALTH_METRICS.status) {
        if (entry.status === undefined || point.timestamp >= entry.status.at)
          entry.status = { at: point.timestamp, value };
      }
    }
  }
  return new Map(
    [...collected].map(([id, entry]): [string, HealthFigures] => [
      id,
      {
        points: entry.points,
        lossPercent: roundedMean(entry.loss),
        latencyMs: roundedMean(entry.latency),
        status: entry.status?.value,
      },
    ]),
  );
};
