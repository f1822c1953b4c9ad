import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendBrokenAnswer } from './broken-answers.ts';
import type { CloudEyeState, ConnectionHealth } from './cloud-eye-state.ts';
import {
  type ApiError,
  apiError,
  CLOUD_EYE_BAD_BODY,
  cloudEyeErrorBody,
  ERROR_CODES,
} from './errors.ts';
import { dropConnection, readBody, sendJson } from './http.ts';
import { CLOUD_EYE_OPERATION } from './schemas.ts';
import type { SimulatorContext } from './simulator-state.ts';

/**
 * Cloud Eye's batch metric query, for the VPN metrics of the connections the simulator knows:
 * `POST /V1.0/{project_id}/batch-query-metric-data`, signed like the VPN API. What it plays
 * is what Huawei documents (docs/huawei-api.md, "Cloud Eye"): at most 500 metrics a call,
 * `from` moved forward so that metrics x minutes stays within 3000 points, one raw point a
 * minute per metric of a connection whose monitor is ACTIVE, none for any other.
 */
const CLOUD_EYE_PREFIX = '/V1.0/';

/** A healthy connection's figures: what every connection reports until told otherwise. */
const HEALTHY = { lossPercent: 0, latencyMs: 18, status: 1 } as const;
const MAX_METRICS = 500;
const MAX_POINTS = 3000;
const MINUTE_MS = 60_000;

const bodySchema = z.object({
  metrics: z
    .array(
      z.object({
        namespace: z.string().min(1),
        metric_name: z.string().min(1),
        dimensions: z.array(z.object({ name: z.string(), value: z.string() })).min(1),
      }),
    )
    .min(1)
    .max(MAX_METRICS),
  from: z.number().int(),
  to: z.number().int(),
  period: z.enum(['1', '300', '1200', '3600', '14400', '86400']),
  filter: z.enum(['average', 'max', 'min', 'sum', 'variance']),
});

const reportedValue = (metric: string, health: ConnectionHealth): number | undefined => {
  if (metric === 'connection_status') return health.status ?? HEALTHY.status;
  if (metric.endsWith('_packet_loss_rate')) return health.lossPercent ?? HEALTHY.lossPercent;
  if (metric.endsWith('_latency')) return health.latencyMs ?? HEALTHY.latencyMs;
  return undefined;
};

/** The answer to a valid query: one point a minute for each metric a monitored connection has. */
const answer = (
  context: SimulatorContext,
  cloudEye: CloudEyeState,
  projectId: string,
  query: z.infer<typeof bodySchema>,
): Record<string, unknown> => {
  const { store } = context.api;
  // Cloud Eye keeps the answer within 3000 points by moving `from`, not by refusing.
  const maxMinutes = Math.max(1, Math.floor(MAX_POINTS / query.metrics.length));
  const from = Math.max(query.from, query.to - maxMinutes * MINUTE_MS);
  const first = Math.ceil(from / MINUTE_MS) * MINUTE_MS;
  return {
    metrics: query.metrics.map((metric) => {
      const id = metric.dimensions.find((d) => d.name === 'evpn_connection_id')?.value;
      const connection = id === undefined ? undefined : store.connection(projectId, id);
      const monitor = id === undefined ? undefined : store.monitorOf(projectId, id);
      const health = id === undefined ? {} : cloudEye.health(projectId, id);
      const value = reportedValue(metric.metric_name, health);
      const measured =
        metric.namespace === 'SYS.VPN' &&
        connection !== undefined &&
        monitor?.status === 'ACTIVE' &&
        value !== undefined &&
        health.noData !== true;
      const datapoints: Record<string, number>[] = [];
      if (measured)
        for (let at = first; at < query.to; at += MINUTE_MS)
          datapoints.push({ [query.filter]: value, timestamp: at });
      return {
        namespace: metric.namespace,
        metric_name: metric.metric_name,
        dimensions: metric.dimensions,
        datapoints,
        unit: metric.metric_name.endsWith('_latency')
          ? 'ms'
          : metric.metric_name.endsWith('_rate')
            ? '%'
            : 'count',
      };
    }),
  };
};

/** Whether a request is for Cloud Eye rather than the VPN API. */
export const isCloudEyePath = (target: string): boolean => target.startsWith(CLOUD_EYE_PREFIX);

const badRequest = (message: string): ApiError => apiError(400, CLOUD_EYE_BAD_BODY, message);

/** The connections a query asks about, read leniently (for faults that target one). */
const connectionsAskedFor = (json: unknown): string[] => {
  const metrics = (json as { metrics?: unknown } | null)?.metrics;
  if (!Array.isArray(metrics)) return [];
  return metrics.flatMap((metric: unknown) => {
    const dimensions = (metric as { dimensions?: unknown } | null)?.dimensions;
    if (!Array.isArray(dimensions)) return [];
    return dimensions.flatMap((d: unknown) => {
      const { name, value } = (d ?? {}) as { name?: unknown; value?: unknown };
      return name === 'evpn_connection_id' && typeof value === 'string' ? [value] : [];
    });
  });
};

type Outcome = number | 'dropped';

const serve = async (
  context: SimulatorContext,
  cloudEye: CloudEyeState,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<Outcome> => {
  const bodyOf = (error: ApiError) => cloudEyeErrorBody(error, cloudEye.errorFormat(), requestId);
  const fail = (error: ApiError): Outcome => {
    sendJson(response, error.status, requestId, bodyOf(error), error.retryAfter);
    return error.status;
  };
  const body = await readBody(request);
  const method = request.method ?? 'GET';
  const url = new URL(`http://127.0.0.1${request.url ?? '/'}`);
  const parts = url.pathname.split('/');
  if (method !== 'POST' || parts.length !== 4 || parts[3] !== 'batch-query-metric-data') {
    return fail(apiError(404, ERROR_CODES.apiNotFound, 'The API does not exist'));
  }
  const projectId = decodeURIComponent(parts[2] ?? '');
  if (body === undefined) return fail(apiError(413, ERROR_CODES.gatewayError, 'Too large'));
  const auth = context.verifier.verify({ method, url, headers: request.headers, body });
  if (!auth.ok) {
    context.stats.authFailure(auth.locked);
    return fail(auth.error);
  }
  const keyDomain = context.identity.key(auth.ak)?.domainId;
  if (
    !context.api.store.hasProject(projectId) ||
    (keyDomain !== undefined && context.identity.domainOfProject(projectId) !== keyDomain)
  ) {
    return fail(apiError(403, ERROR_CODES.projectUnavailable, 'The project is unavailable'));
  }
  if (!cloudEye.rateLimit.take(projectId)) {
    cloudEye.count('throttled');
    return fail(
      apiError(429, ERROR_CODES.gatewayThrottled, 'The throttling threshold has been reached'),
    );
  }
  let json: unknown;
  let readable = true;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    readable = false;
  }

  // Faults, as for the VPN API: only on an authenticated request for a project it may reach.
  const fault = context.faults.next(CLOUD_EYE_OPERATION, connectionsAskedFor(json));
  if (fault !== undefined) context.stats.fault(fault.kind);
  if (fault?.kind === 'status') return fail(fault.error);
  if (fault?.kind === 'drop-before') {
    dropConnection(request);
    return 'dropped';
  }
  if (fault?.kind === 'another-connection') {
    // The fault rule schema refuses it for Cloud Eye: reaching here is a simulator bug.
    return fail(apiError(500, ERROR_CODES.serverError, `Simulator failure: ${fault.kind} fault`));
  }
  if (fault?.kind === 'answer' && fault.handled === false) {
    return sendBrokenAnswer(response, fault, undefined, bodyOf, requestId);
  }
  const wait = context.latency.ms + (fault?.kind === 'delay' ? fault.ms : 0);
  if (wait > 0) await context.sleep(wait);

  const query = readQuery(readable, json);
  if (!('code' in query)) cloudEye.count('answered', query.metrics.length);
  if (fault?.kind === 'drop-after') {
    dropConnection(request);
    return 'dropped';
  }
  const result =
    'code' in query ? query : { status: 200, body: answer(context, cloudEye, projectId, query) };
  if (fault?.kind === 'garble' || fault?.kind === 'answer') {
    return sendBrokenAnswer(response, fault, result, bodyOf, requestId);
  }
  if ('code' in result) return fail(result);
  sendJson(response, 200, requestId, result.body);
  return 200;
};

/** The query in a request's body, or Cloud Eye's 400 saying what is wrong with it. */
const readQuery = (readable: boolean, json: unknown): z.infer<typeof bodySchema> | ApiError => {
  if (!readable) return badRequest('The body is not JSON');
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) return badRequest(`Invalid request: ${parsed.error.issues[0]?.message}`);
  if (parsed.data.from >= parsed.data.to) return badRequest('from must be less than to');
  return parsed.data;
};

/** Serves one Cloud Eye request; counted in the simulator's statistics as `batchQueryMetricData`. */
export const handleCloudEyeRequest = (
  context: SimulatorContext,
  cloudEye: CloudEyeState,
  request: IncomingMessage,
  response: ServerResponse,
): void => {
  const requestId = randomUUID();
  context.stats.begin();
  serve(context, cloudEye, request, response, requestId).then(
    (outcome) => context.stats.finish(CLOUD_EYE_OPERATION, outcome),
    () => {
      if (!response.headersSent) response.destroy();
      context.stats.finish(CLOUD_EYE_OPERATION, 'dropped');
    },
  );
};
