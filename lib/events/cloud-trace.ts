import * as z from '../zod.ts';
import {
  type Correlation,
  correlationValueSchema,
  domainIdSchema,
  projectIdSchema,
  type Reading,
  regionSchema,
  vpnConnectionIdSchema,
} from './connection-created.ts';
import {
  describeValue,
  fail,
  fromEpochMilliseconds,
  isJsonObject,
  type JsonObject,
  joinPath,
  type Outcome,
  parseJsonObject,
  printable,
  readWith,
  valueAt,
} from './problems.ts';

/** Where a trace may name an account, and what that field means. */
const CALLER_FIELDS = [
  // The CTS trace structure: `user` is a UserInfo whose `domain` (BaseUser) is the caller's account.
  ['user', 'domain', 'id'],
  // Newer editions of the same page add the account id to UserInfo itself.
  ['user', 'account_id'],
  // One edition (the Chinese page, 2025) also lists a top-level `domain_id`.
  ['domain_id'],
] as const;

/**
 * `resource_account_id`: the account that owns the resource, set only when one account acts on
 * another's resources (CTS then copies the trace to both). It, not the caller's, owns the project.
 */
const RESOURCE_ACCOUNT_FIELD = ['resource_account_id'] as const;

/**
 * The Huawei account (`domain_id`) a Cloud Trace trace belongs to, from what the CTS trace
 * structure carries: `resource_account_id` when the call crossed accounts, else the caller's
 * account (`user.domain.id`, `user.account_id`, or a top-level `domain_id`). `undefined` when
 * the trace names none. A malformed id, or caller fields that name two accounts, is a problem:
 * the trace's account decides which credentials act, so a doubtful one is never guessed.
 */
export function readTraceAccount(trace: JsonObject, path: string): Outcome<string | undefined> {
  const found: { field: string; id: string }[] = [];
  for (const keys of [RESOURCE_ACCOUNT_FIELD, ...CALLER_FIELDS]) {
    const value = valueAt(trace, keys);
    if (value === undefined || value === null || value === '') continue;
    const field = joinPath(path, keys);
    const parsed = domainIdSchema.safeParse(value);
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'must be 32 hex characters';
      return fail(field, `${reason}, got ${describeValue(value)}`);
    }
    found.push({ field, id: parsed.data });
  }
  const [first, ...others] = found;
  if (first === undefined || first.field.endsWith('resource_account_id')) {
    return { ok: true, value: first?.id };
  }
  const other = others.find((o) => o.id !== first.id);
  if (other === undefined) return { ok: true, value: first.id };
  return fail(other.field, `names account ${other.id}, but ${first.field} names ${first.id}`);
}

/**
 * A batch-create trace names at most this many connections. The API creates one or two at a
 * time (the official SDKs' `BatchCreateVpnConnection` doc comment); more than this is not a
 * real trace, and fanning out on it would only multiply a producer's mistake.
 */
const MAX_CONNECTIONS_PER_TRACE = 10;

/**
 * A trace's recorded request or response, as an object: editions of the trace structure page
 * show it as a JSON string, others (and FunctionGraph's CTS trigger example) as an object.
 * A string that is not a JSON object (truncated by the trace) gives `undefined`.
 */
function recordedBody(value: unknown): JsonObject | undefined {
  if (typeof value !== 'string') return isJsonObject(value) ? value : undefined;
  const parsed = parseJsonObject(value, '');
  return parsed.ok ? parsed.value : undefined;
}

/**
 * The connection of a `createVpnConnection` trace: `resource_id`, or, when the trace has none,
 * `vpn_connection.id` in the recorded response; when both are there they must agree, since a
 * trace that names two connections cannot say which one to monitor.
 */
function createdConnection(
  resourceId: string | undefined,
  response: JsonObject | undefined,
  path: string,
): Outcome<string[]> {
  const connection = response?.vpn_connection;
  const id = isJsonObject(connection) ? connection.id : undefined;
  const responseId = typeof id === 'string' ? id : undefined;
  const resourcePath = joinPath(path, ['resource_id']);
  const responsePath = joinPath(path, ['response', 'vpn_connection', 'id']);
  if (resourceId === undefined && responseId === undefined) {
    return fail(resourcePath, 'is missing and response holds no vpn_connection.id');
  }
  const [connectionId, idPath] =
    resourceId === undefined ? [responseId, responsePath] : [resourceId, resourcePath];
  const checked = readWith(vpnConnectionIdSchema, connectionId, idPath);
  if (!checked.ok) return checked;
  if (responseId !== undefined && responseId !== checked.value) {
    return fail(
      responsePath,
      `is ${describeValue(responseId)}, which disagrees with resource_id ${describeValue(resourceId)}`,
    );
  }
  return { ok: true, value: [checked.value] };
}

/**
 * The connections of a `batchCreateVpnConnection` trace: `vpn_connections[].id` in the recorded
 * response (the Go SDK's `BatchCreateVpnConnectionResponse`), each validated, repeats dropped.
 * How Cloud Trace fills `resource_id` for a batch is not documented, so it is read only when the
 * response names no connection, and then only as one id.
 */
function batchCreatedConnections(
  resourceId: string | undefined,
  response: JsonObject | undefined,
  path: string,
): Outcome<string[]> {
  const listPath = joinPath(path, ['response', 'vpn_connections']);
  const list = response?.vpn_connections;
  if (list !== undefined && !Array.isArray(list)) {
    return fail(listPath, `must be an array, got ${describeValue(list)}`);
  }
  if (list === undefined || list.length === 0) {
    if (resourceId === undefined) {
      return fail(
        joinPath(path, ['resource_id']),
        'is missing and response holds no vpn_connections[].id',
      );
    }
    const checked = readWith(vpnConnectionIdSchema, resourceId, joinPath(path, ['resource_id']));
    return checked.ok ? { ok: true, value: [checked.value] } : checked;
  }
  if (list.length > MAX_CONNECTIONS_PER_TRACE) {
    return fail(
      listPath,
      `holds ${list.length} connections; a batch create makes at most ${MAX_CONNECTIONS_PER_TRACE}`,
    );
  }
  const ids = new Set<string>();
  for (const [index, item] of list.entries()) {
    const itemPath = joinPath(listPath, [index]);
    if (!isJsonObject(item)) return fail(itemPath, `must be an object, got ${describeValue(item)}`);
    const checked = readWith(vpnConnectionIdSchema, item.id, joinPath(itemPath, ['id']));
    if (!checked.ok) return checked;
    ids.add(checked.value);
  }
  return { ok: true, value: [...ids] };
}

/** The Cloud Trace Service operation that records a new VPN connection. */
export const CREATE_VPN_CONNECTION_TRACE = 'createVpnConnection';
/**
 * The trace name of `POST /v5/{project_id}/vpn-connections/batch-create`, as Open Telekom Cloud's
 * VPN user guide lists it (`vpn_ug_00017`, "Key Operations That Can Be Recorded by CTS"; OTC runs
 * Huawei's cloud stack). Huawei Cloud's own pages were not found to say it: docs/huawei-api.md.
 */
export const BATCH_CREATE_VPN_CONNECTION_TRACE = 'batchCreateVpnConnection';

const recordedBodySchema = z.lazy(() => z.nullish(z.union([z.string(), z.looseObject({})])));

/**
 * The fields this function reads of a Cloud Trace Service trace. `request` and `response` are
 * JSON strings in one edition of the trace structure page and objects in another. `code` is the
 * HTTP status, as text or a number. CTS traces carry no region: `region` is read in case a
 * producer adds it. `time` is epoch milliseconds. The account is read by {@link readTraceAccount}.
 */
const cloudTraceSchema = z.lazy(() =>
  z.object({
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
  }),
);

/**
 * Why a create trace records a failed call, or `undefined` when it succeeded. `code` decides
 * when it is an HTTP status: 2xx succeeded, anything else failed. Without one, a `trace_rating`
 * of `warning` or `incident` (CTS: the call failed) or an error code in the recorded response
 * says it failed. Read before the trace is validated: a failed call's trace need not name a
 * connection, and it is acknowledged, not rejected.
 */
function failureOf(trace: JsonObject): string | undefined {
  const code = typeof trace.code === 'number' ? String(trace.code) : trace.code;
  const status = typeof code === 'string' && /^[1-5]\d\d$/.test(code) ? Number(code) : undefined;
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

/** Huawei's error code in a recorded error answer (`error_code`, or `code` as in one appendix). */
function errorCodeIn(response: JsonObject | undefined): string | undefined {
  const code = response?.error_code ?? response?.code;
  return typeof code === 'string' && code !== '' ? printable(code, 32) : undefined;
}

/**
 * Reads a Cloud Trace trace found at `path` (a CloudEvent's `data`, an SMN notification's
 * `message`, or a whole body). Only a successful create announces connections: another operation
 * (`updateVpnConnection`, this function's own `createConnectionMonitor`...) or a failed create is
 * `ignored`. The trace's own `time` beats `envelopeTime`, being when the call was made.
 */
export function readTraceMessage(
  input: JsonObject,
  path: string,
  correlation: Correlation,
  envelopeTime: string | undefined,
): Reading {
  const name = readWith(z.object({ trace_name: correlationValueSchema }), input, path);
  if (!name.ok) return name;
  const traceName = name.value.trace_name;
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
  const parsed = readWith(cloudTraceSchema, input, path);
  if (!parsed.ok) return parsed;
  const trace = parsed.value;
  // An empty resource_id is how a trace says it has none, so the response is consulted.
  const resourceId = trace.resource_id === '' ? undefined : trace.resource_id;
  const readIds = batch ? batchCreatedConnections : createdConnection;
  const ids = readIds(resourceId, recordedBody(trace.response), path);
  if (!ids.ok) return ids;
  const account = readTraceAccount(input, path);
  if (!account.ok) return account;
  const { trace_id: traceId } = trace;
  return {
    ok: true,
    value: {
      kind: 'candidate',
      vpnConnectionIds: ids.value,
      projectId: trace.project_id ?? undefined,
      region: trace.region ?? undefined,
      domainId: account.value,
      occurredAt: fromEpochMilliseconds(trace.time) ?? envelopeTime,
      shape: 'cloud-trace',
      correlation: { ...correlation, ...(traceId === undefined ? {} : { traceId }) },
      fieldsAt: path,
    },
  };
}

const ignored = (reason: string): Reading => ({
  ok: true,
  value: { kind: 'ignored', reason, shape: 'cloud-trace' },
});
