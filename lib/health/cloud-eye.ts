import { DeadlineExceededError } from '../errors.ts';
import {
  type AdaptivePacer,
  type CallOptions,
  type CredentialsProvider,
  createKeepAlivePools,
  encodeRfc3986,
  expectAnswer,
  type KeepAlivePools,
  parseRetryAfter,
  redactSecrets,
  sendHuaweiRequest,
  toNetworkError,
  type VpnTarget,
} from '../huawei/index.ts';
import * as z from '../zod.ts';

/**
 * Cloud Eye (CES) as the health check reads it. Sources (docs/huawei-api.md, "Cloud Eye"):
 * the CES API reference, "Querying Monitoring Data in Batches" (`POST
 * /V1.0/{project_id}/batch-query-metric-data`, at most 500 metrics a call, metrics x (to -
 * from) / interval <= 3000 data points, else Cloud Eye moves `from` itself), and the Go SDK's
 * `services/ces/v1/model/model_batch_list_metric_data_request_body.go` (`period`, `filter`,
 * `from`, `to` in epoch ms, metrics array max 500); the VPN user guide's "Metrics (S2C
 * Enterprise Edition VPN)" for the namespace, the dimension and the metric names.
 */
export const VPN_NAMESPACE = 'SYS.VPN';
/** The dimension that names one VPN connection in `SYS.VPN`. */
export const CONNECTION_DIMENSION = 'evpn_connection_id';
/** Cloud Eye's largest `metrics` array in one batch query. */
export const MAX_METRICS_PER_CALL = 500;
/** Cloud Eye's largest answer: metrics x points per metric; beyond it Cloud Eye shortens the window. */
export const MAX_POINTS_PER_CALL = 3000;
/** `period: "1"` is the raw data; a VPN connection reports it once a minute. */
export const RAW_PERIOD = '1';
/** The interval of raw VPN data points, as Cloud Eye counts them against the 3000. */
export const RAW_INTERVAL_MS = 60_000;

/** The VPN metrics the health check reads for one connection, by what they measure. */
export const HEALTH_METRICS = {
  /** 0 not connected, 1 connected, 2 unknown. */
  status: 'connection_status',
  link: { loss: 'link_packet_loss_rate', latency: 'link_average_latency' },
  tunnel: { loss: 'tunnel_packet_loss_rate', latency: 'tunnel_average_latency' },
} as const;

/** Which of the monitor's figures decide: the physical link's or the tunnel's. */
export type MetricSource = 'link' | 'tunnel';

/** One metric of one connection, as a batch query names it. */
interface MetricQuery {
  namespace: string;
  metric_name: string;
  dimensions: { name: string; value: string }[];
}

/** The body of a batch query: epoch-ms window, raw period, averaged points. */
export interface BatchQuery {
  metrics: MetricQuery[];
  from: number;
  to: number;
  period: string;
  filter: 'average' | 'max' | 'min' | 'sum' | 'variance';
}

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
export type MetricData = z.infer<typeof metricDataSchema>;

/** `200` answer of the batch query; `metrics` is optional in the Go SDK's model. */
const batchAnswerSchema = z.looseObject({
  metrics: z.optional(z.nullable(z.array(metricDataSchema))),
  request_id: z.optional(z.string()),
});

/** How the client is built; one per container, like the VPN client. */
export interface CloudEyeClientOptions {
  endpoint: (region: string) => string;
  credentials: { forTarget(target: VpnTarget): CredentialsProvider };
  attemptTimeoutMs: number;
  /** Cloud Eye's rate limit is not documented: the pacer learns it from 429s, per project. */
  pacer?: AdaptivePacer | undefined;
  connectionsPerOrigin?: number;
  now?: () => Date;
}

/**
 * The Cloud Eye API, signed with the project's account key (the same AK/SK signing and
 * keep-alive request as the VPN client), paced per project. Failures become the same typed
 * errors, so the retry policy and the credential gate treat them alike.
 */
export class CloudEyeClient {
  readonly #options: CloudEyeClientOptions;
  readonly #pools: KeepAlivePools;
  /** Calls made, for run summaries and the bench. */
  public calls = 0;

  public constructor(options: CloudEyeClientOptions) {
    this.#options = options;
    this.#pools = createKeepAlivePools(options.connectionsPerOrigin ?? 16);
  }

  /** `POST /V1.0/{project_id}/batch-query-metric-data`: the metrics' points in the window. */
  public async batchQueryMetricData(
    target: VpnTarget,
    query: BatchQuery,
    options: CallOptions = {},
  ): Promise<MetricData[]> {
    const operation = 'batchQueryMetricData';
    if (options.signal?.aborted) {
      throw new DeadlineExceededError(`Cloud Eye ${operation} not attempted: the run is ending`);
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
    this.calls += 1;
    let response: Awaited<ReturnType<typeof sendHuaweiRequest>>;
    try {
      response = await sendHuaweiRequest(this.#pools, {
        method: 'POST',
        url,
        body: JSON.stringify(query),
        headers: { 'x-project-id': target.projectId },
        credentials,
        date: this.#options.now?.() ?? new Date(),
        timeoutMs: this.#options.attemptTimeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) {
        throw new DeadlineExceededError(`Cloud Eye ${operation} cut short: the run is ending`, {
          cause: error,
        });
      }
      throw toNetworkError(operation, error);
    }
    const retryAfter = header(response.headers['retry-after']);
    pacer?.observe(target.projectId, response.status, parseRetryAfter(retryAfter));
    const { parsed } = expectAnswer(
      operation,
      {
        status: response.status,
        requestIdHeader: header(response.headers['x-request-id']),
        retryAfterHeader: retryAfter,
        body: response.status >= 400 ? redactSecrets(response.body, credentials) : response.body,
      },
      { status: [200], schema: batchAnswerSchema },
    );
    return parsed.metrics ?? [];
  }

  /** Closes the keep-alive connections (commands and tests; Lambda just freezes). */
  public async close(): Promise<void> {
    this.#pools.http.destroy();
    this.#pools.https.destroy();
  }
}

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
