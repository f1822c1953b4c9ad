import { vpnConnectionIdSchema } from './ids.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { describeValue, joinPath, type Outcome, type Problem, problemFromZod } from './problems.ts';

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
export function recordedBody(value: unknown): JsonObject | undefined {
  if (isJsonObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Where the ids of one trace are, for naming them in problems. */
export interface TraceIdSources {
  /** `resource_id`; an empty one counts as none. */
  resourceId: string | undefined;
  response: JsonObject | undefined;
  /** Path of the trace in the message. */
  path: string;
}

/**
 * The connection of a `createVpnConnection` trace: `resource_id`, or, when the trace has none,
 * `vpn_connection.id` in the recorded response; when both are there they must agree, since a
 * trace that names two connections cannot say which one to monitor.
 */
export function createdConnection(sources: TraceIdSources): Outcome<string[]> {
  const { resourceId, response, path } = sources;
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
  const checked = validId(connectionId, idPath);
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
export function batchCreatedConnections(sources: TraceIdSources): Outcome<string[]> {
  const { resourceId, response, path } = sources;
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
    const checked = validId(resourceId, joinPath(path, ['resource_id']));
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
    const checked = validId(item.id, joinPath(itemPath, ['id']));
    if (!checked.ok) return checked;
    ids.add(checked.value);
  }
  return { ok: true, value: [...ids] };
}

function validId(value: unknown, path: string): Outcome<string> {
  const checked = vpnConnectionIdSchema.safeParse(value);
  if (checked.success) return { ok: true, value: checked.data };
  const problem = problemFromZod(checked.error, value, '');
  return fail(path, problem.message);
}

function fail(path: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: { path, message } };
}
