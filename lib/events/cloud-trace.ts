import * as z from '../zod.ts';
import {
  correlationValueSchema,
  projectIdSchema,
  regionSchema,
  vpnConnectionIdSchema,
} from './ids.ts';
import { hasKey, isJsonObject, type JsonObject } from './json.ts';
import type { PlainCandidate } from './plain.ts';
import { describeValue, joinPath, type Outcome, type Problem, problemFromZod } from './problems.ts';

/** The Cloud Trace Service operation that records a new VPN connection. */
const CREATE_VPN_CONNECTION_TRACE = 'createVpnConnection';

/**
 * A Cloud Trace Service trace of `createVpnConnection`, as Huawei EventGrid puts it in a
 * CloudEvent's `data`. Only the fields this function needs are read; `response` is the API's
 * answer as a JSON string. CTS traces carry no region, so `region` is read only in case a
 * producer adds it, and the deployment's default applies otherwise.
 */
const createVpnConnectionTraceSchema = z.object({
  trace_name: z.literal(CREATE_VPN_CONNECTION_TRACE),
  trace_id: z.optional(correlationValueSchema),
  resource_id: z.optional(z.string()),
  project_id: z.nullish(projectIdSchema),
  region: z.nullish(regionSchema),
  response: z.optional(z.string()),
});

/** True when a CloudEvent's `data` is a Cloud Trace trace rather than plain fields. */
export function isCloudTrace(data: JsonObject): boolean {
  return hasKey(data, 'trace_name');
}

/**
 * Reads a `createVpnConnection` trace found at `path`. The connection id is `resource_id`, or,
 * when the trace has none, `vpn_connection.id` in the recorded response; when both are there
 * they must agree, since a trace that names two connections cannot say which one to monitor.
 */
export function readCreateVpnConnectionTrace(
  input: unknown,
  path: string,
): Outcome<PlainCandidate & { traceId: string | undefined }> {
  const parsed = createVpnConnectionTraceSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const trace = parsed.data;
  // An empty resource_id is how a trace says it has none, so the response is consulted.
  const resourceId = trace.resource_id === '' ? undefined : trace.resource_id;
  const responseId = idInResponse(trace.response);
  const resourcePath = joinPath(path, ['resource_id']);
  const responsePath = joinPath(path, ['response', 'vpn_connection', 'id']);

  if (resourceId === undefined && responseId === undefined) {
    return fail(resourcePath, 'is missing and response holds no vpn_connection.id');
  }
  const [connectionId, idPath] =
    resourceId === undefined ? [responseId, responsePath] : [resourceId, resourcePath];
  const checked = vpnConnectionIdSchema.safeParse(connectionId);
  if (!checked.success) {
    return { ok: false, problem: problemFromZod(checked.error, connectionId, idPath) };
  }
  if (responseId !== undefined && responseId !== checked.data) {
    return fail(
      responsePath,
      `is ${describeValue(responseId)}, which disagrees with resource_id ${describeValue(resourceId)}`,
    );
  }
  return {
    ok: true,
    value: {
      vpnConnectionId: checked.data,
      projectId: trace.project_id ?? undefined,
      region: trace.region ?? undefined,
      traceId: trace.trace_id,
    },
  };
}

function fail(path: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: { path, message } };
}

/** `vpn_connection.id` in the recorded response, when the response is JSON that has one. */
function idInResponse(response: string | undefined): string | undefined {
  if (response === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(response);
  } catch {
    // A truncated or non-JSON response is not fatal: resource_id may still name the connection.
    return undefined;
  }
  const connection = isJsonObject(value) ? value.vpn_connection : undefined;
  const id = isJsonObject(connection) ? connection.id : undefined;
  return typeof id === 'string' ? id : undefined;
}
