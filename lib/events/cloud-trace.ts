import * as z from '../zod.ts';
import { correlationValueSchema, projectIdSchema, regionSchema } from './ids.ts';
import { hasKey, type JsonObject } from './json.ts';
import { fromEpochMilliseconds } from './occurred-at.ts';
import { type Outcome, printable, problemFromZod } from './problems.ts';
import { readTraceAccount } from './trace-account.ts';
import {
  batchCreatedConnections,
  createdConnection,
  recordedBody,
  type TraceIdSources,
} from './trace-connections.ts';

/** The Cloud Trace Service operation that records a new VPN connection. */
export const CREATE_VPN_CONNECTION_TRACE = 'createVpnConnection';
/**
 * The trace name of `POST /v5/{project_id}/vpn-connections/batch-create`, as Open Telekom Cloud's
 * VPN user guide lists it (`vpn_ug_00017`, "Key Operations That Can Be Recorded by CTS"; OTC runs
 * Huawei's cloud stack). Huawei Cloud's own pages were not found to say it: docs/huawei-api.md.
 */
export const BATCH_CREATE_VPN_CONNECTION_TRACE = 'batchCreateVpnConnection';

const recordedBodySchema = z.nullish(z.union([z.string(), z.looseObject({})]));

/**
 * A Cloud Trace Service trace of a VPN call, as EventGrid puts it in a CloudEvent's `data` or
 * SMN in a notification's `message`. Only the fields this function needs are read. `request`
 * and `response` are JSON strings in one edition of the trace structure page and objects in
 * another: both are accepted. `code` is the HTTP status, as text or a number. CTS traces carry
 * no region, so `region` is read only in case a producer adds it. `time` is epoch milliseconds.
 * The account is read apart, from where the trace structure puts it (`trace-account.ts`).
 */
const cloudTraceSchema = z.object({
  trace_name: correlationValueSchema,
  trace_id: z.optional(correlationValueSchema),
  trace_rating: z.optional(z.string()),
  code: z.optional(z.union([z.string(), z.number()])),
  resource_id: z.optional(z.string()),
  project_id: z.nullish(projectIdSchema),
  region: z.nullish(regionSchema),
  request: recordedBodySchema,
  response: recordedBodySchema,
  time: z.optional(z.union([z.number(), z.string()])),
});

/** What a trace says: the connections it created, or why it announces none. */
export type TraceReading =
  | {
      kind: 'connections';
      vpnConnectionIds: string[];
      projectId: string | undefined;
      region: string | undefined;
      domainId: string | undefined;
      traceId: string | undefined;
      occurredAt: string | undefined;
    }
  | { kind: 'ignored'; reason: string };

/** True when an object is a Cloud Trace trace rather than plain fields. */
export function isCloudTrace(data: JsonObject): boolean {
  return hasKey(data, 'trace_name');
}

/**
 * Reads a trace found at `path`. Only a successful create announces connections: another
 * operation (`updateVpnConnection`, `deleteVpnConnection`, this function's own
 * `createConnectionMonitor`...) or a failed create is `ignored`. A successful create that names
 * no valid connection is a problem.
 */
export function readCloudTrace(input: JsonObject, path: string): Outcome<TraceReading> {
  const name = z.object({ trace_name: correlationValueSchema }).safeParse(input);
  if (!name.success) return { ok: false, problem: problemFromZod(name.error, input, path) };
  const traceName = name.data.trace_name;
  const shown = printable(traceName, 64);
  const batch = traceName === BATCH_CREATE_VPN_CONNECTION_TRACE;
  if (traceName !== CREATE_VPN_CONNECTION_TRACE && !batch) {
    return ignored(`Cloud Trace ${shown} announces no new VPN connection`);
  }
  const failure = failureOf(input);
  if (failure !== undefined) {
    return ignored(
      `Cloud Trace ${shown} failed (${failure}), so it announces no new VPN connection`,
    );
  }
  const parsed = cloudTraceSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const trace = parsed.data;
  const sources: TraceIdSources = {
    // An empty resource_id is how a trace says it has none, so the response is consulted.
    resourceId: trace.resource_id === '' ? undefined : trace.resource_id,
    response: recordedBody(trace.response),
    path,
  };
  const ids = batch ? batchCreatedConnections(sources) : createdConnection(sources);
  if (!ids.ok) return ids;
  const account = readTraceAccount(input, path);
  if (!account.ok) return account;
  return {
    ok: true,
    value: {
      kind: 'connections',
      vpnConnectionIds: ids.value,
      projectId: trace.project_id ?? undefined,
      region: trace.region ?? undefined,
      domainId: account.value,
      traceId: trace.trace_id,
      occurredAt: fromEpochMilliseconds(trace.time),
    },
  };
}

function ignored(reason: string): Outcome<TraceReading> {
  return { ok: true, value: { kind: 'ignored', reason } };
}

/**
 * Why a create trace records a failed call, or `undefined` when it succeeded. `code` decides
 * when it is an HTTP status: 2xx succeeded, anything else failed. Without one, a `trace_rating`
 * of `warning` or `incident` (CTS: the call failed) or an error code in the recorded response
 * says it failed. Read before the trace is validated: a failed call's trace need not name a
 * connection, and it is acknowledged, not rejected.
 */
function failureOf(trace: JsonObject): string | undefined {
  const status = httpStatus(trace.code);
  const errorCode = errorCodeIn(recordedBody(trace.response));
  const details = errorCode === undefined ? [] : [errorCode];
  if (status !== undefined) {
    return status >= 200 && status < 300 ? undefined : [`code ${status}`, ...details].join(', ');
  }
  const rating = trace.trace_rating;
  if (rating === 'warning' || rating === 'incident') {
    return [`trace_rating ${rating}`, ...details].join(', ');
  }
  return errorCode;
}

function httpStatus(code: unknown): number | undefined {
  const text = typeof code === 'number' ? String(code) : code;
  return typeof text === 'string' && /^[1-5]\d\d$/.test(text) ? Number(text) : undefined;
}

/** Huawei's error code in a recorded error answer (`error_code`, or `code` as in one appendix). */
function errorCodeIn(response: JsonObject | undefined): string | undefined {
  const code = response?.error_code ?? response?.code;
  return typeof code === 'string' && code !== '' ? printable(code, 32) : undefined;
}
