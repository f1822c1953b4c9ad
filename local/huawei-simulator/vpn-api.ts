import { z } from 'zod';
import { alreadyExistsAnswer, notFoundAnswer, notReadyAnswer } from './answer-profiles.ts';
import { type ConnectionCreatedEvent, maskSecrets } from './connection-events.ts';
import { type ApiError, apiError, ERROR_CODES } from './errors.ts';
import type { Route } from './routes.ts';
import {
  type AnswerProfile,
  resourceIdSchema,
  type VpnConnectionInput,
  vpnConnectionInputSchema,
} from './schemas.ts';
import type { SimulatorStore, VpnConnection } from './store.ts';

/** A successful answer of the VPN service: status and body (`request_id` included). */
export interface ApiSuccess {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** The largest (and default) page size of `GET /v5/{project_id}/vpn-connection` (0..2000). */
export const MAX_CONNECTION_PAGE = 2000;

/** What the operations read and call besides the store; the control surface changes `answers`. */
export interface VpnApiContext {
  store: SimulatorStore;
  answers: { profile: AnswerProfile; readyAfterMs: number };
  domainIds: Readonly<Record<string, string>>;
  connectionCreated: (event: ConnectionCreatedEvent) => void;
}

/** One authenticated request for an existing project. */
export interface OperationRequest {
  route: Route;
  url: URL;
  /** The parsed create-monitor body (`create` only). */
  input: CreateInput | undefined;
  body: Buffer;
  requestId: string;
}

const createBodySchema = z.strictObject({
  connection_monitor: z.strictObject({ vpn_connection_id: resourceIdSchema }),
});

/** The parsed create body: the connection id, or why the body is invalid. */
export type CreateInput = { connectionId: string } | { error: ApiError };

const invalid = (message: string): ApiError =>
  apiError(400, ERROR_CODES.invalidRequest, `Invalid request: ${message}`);

const parseJson = <T>(
  body: Buffer,
  schema: z.ZodType<T>,
): { value: T; json: unknown } | ApiError => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('the body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data, json };
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') || 'body';
  return invalid(`${where}: ${issue?.message ?? 'invalid'}`);
};

/** Parses `{"connection_monitor":{"vpn_connection_id":"..."}}`; unknown fields are refused. */
export const parseCreateBody = (body: Buffer): CreateInput => {
  const parsed = parseJson(body, createBodySchema);
  return 'code' in parsed
    ? { error: parsed }
    : { connectionId: parsed.value.connection_monitor.vpn_connection_id };
};

const createConnectionBodySchema = z.object({ vpn_connection: vpnConnectionInputSchema });
const batchCreateBodySchema = z.object({
  vpn_connections: z.array(vpnConnectionInputSchema).min(1),
});

/** The VPN connection a request is about, for faults that target one connection. */
export const connectionOf = (
  route: Route,
  url: URL,
  input: CreateInput | undefined,
  store: SimulatorStore,
): string | undefined => {
  switch (route.operation) {
    case 'create':
      return input !== undefined && 'connectionId' in input ? input.connectionId : undefined;
    case 'list':
      return url.searchParams.get('vpn_connection_id') ?? undefined;
    case 'show':
    case 'delete':
      return store.monitor(route.projectId, route.monitorId)?.vpn_connection_id;
    case 'showConnection':
      return route.connectionId;
    default:
      return undefined;
  }
};

const notFound = (what: string): ApiError =>
  apiError(404, ERROR_CODES.notFound, `${what} not found`);

const create = (
  { store, answers }: VpnApiContext,
  projectId: string,
  input: CreateInput | undefined,
  requestId: string,
): ApiSuccess | ApiError => {
  if (input === undefined) return invalid('the body is missing');
  if ('error' in input) return input.error;
  const id = input.connectionId;
  const { profile } = answers;
  const connection = store.connection(projectId, id);
  if (connection === undefined) return notFoundAnswer(profile, id);
  switch (connection.status) {
    case 'PENDING_CREATE':
    case 'PENDING_UPDATE':
      return notReadyAnswer(profile, id, connection.status);
    case 'PENDING_DELETE':
      return apiError(425, ERROR_CODES.connectionDeleting, `VPN connection ${id} is deleting`);
    default:
      break;
  }
  if (store.monitorOf(projectId, id) !== undefined) return alreadyExistsAnswer(profile, id);
  const { status: _status, ...created } = store.createMonitor(projectId, connection);
  return { status: 201, body: { connection_monitor: created, request_id: requestId } };
};

// The create answer carries no status (the Go SDK's `CreateResponseVpnConnection` has none);
// `show` tells it: PENDING_CREATE until the connection is ready.
const asCreated = ({ status: _status, ...created }: VpnConnection): Record<string, unknown> => ({
  ...created,
});

const createConnections = (
  api: VpnApiContext,
  projectId: string,
  body: Buffer,
  requestId: string,
  batch: boolean,
): ApiSuccess | ApiError => {
  let inputs: VpnConnectionInput[];
  let json: unknown;
  if (batch) {
    const parsed = parseJson(body, batchCreateBodySchema);
    if ('code' in parsed) return parsed;
    inputs = parsed.value.vpn_connections;
    json = parsed.json;
  } else {
    const parsed = parseJson(body, createConnectionBodySchema);
    if ('code' in parsed) return parsed;
    inputs = [parsed.value.vpn_connection];
    json = parsed.json;
  }
  const connections = inputs.map((input) =>
    api.store.createConnection(projectId, input, api.answers.readyAfterMs),
  );
  const answered = connections.map(asCreated);
  const response = batch
    ? { vpn_connections: answered, request_id: requestId }
    : { vpn_connection: answered[0], request_id: requestId };
  const request = maskSecrets(json);
  const domainId = api.domainIds[projectId];
  for (const connection of connections) {
    api.connectionCreated({
      projectId,
      connection,
      request,
      response,
      via: batch ? 'batch-create' : 'create',
      ...(domainId === undefined ? {} : { domainId }),
    });
  }
  return { status: 201, body: response };
};

const listConnections = (
  store: SimulatorStore,
  projectId: string,
  url: URL,
  requestId: string,
): ApiSuccess | ApiError => {
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? MAX_CONNECTION_PAGE : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '0') || limit > MAX_CONNECTION_PAGE) {
    return invalid(`limit must be an integer from 0 to ${MAX_CONNECTION_PAGE}`);
  }
  const markerText = url.searchParams.get('marker');
  const marker = markerText === null ? undefined : Date.parse(markerText);
  if (marker !== undefined && Number.isNaN(marker)) {
    return invalid('marker must be the creation time of the last record of the previous page');
  }
  const page = store.pageOfConnections(projectId, {
    // Huawei documents 0..2000 without saying what 0 means; here it means the default.
    limit: limit === 0 ? MAX_CONNECTION_PAGE : limit,
    marker,
    vgwId: url.searchParams.get('vgw_id') ?? undefined,
  });
  const pageInfo: Record<string, unknown> = { current_count: page.items.length };
  if (page.nextMarker !== undefined) pageInfo.next_marker = page.nextMarker;
  return {
    status: 200,
    body: {
      vpn_connections: page.items,
      page_info: pageInfo,
      total_count: page.total,
      request_id: requestId,
    },
  };
};

/**
 * Handles an authenticated request for an existing project. Returns the answer; state changes
 * (a created or deleted monitor, a created connection) have happened by the time it returns.
 */
export const handleOperation = (
  api: VpnApiContext,
  { route, url, input, body, requestId }: OperationRequest,
): ApiSuccess | ApiError => {
  const { store } = api;
  const { projectId } = route;
  switch (route.operation) {
    case 'create':
      return create(api, projectId, input, requestId);
    case 'createConnection':
      return createConnections(api, projectId, body, requestId, false);
    case 'batchCreateConnections':
      return createConnections(api, projectId, body, requestId, true);
    case 'list': {
      const filter = url.searchParams.get('vpn_connection_id') ?? undefined;
      const monitors = store.listMonitors(projectId, filter);
      return { status: 200, body: { connection_monitors: monitors, request_id: requestId } };
    }
    case 'show': {
      const monitor = store.monitor(projectId, route.monitorId);
      if (monitor === undefined) return notFound(`Connection monitor ${route.monitorId}`);
      return { status: 200, body: { connection_monitor: monitor, request_id: requestId } };
    }
    case 'delete': {
      const outcome = store.deleteMonitor(projectId, route.monitorId);
      if (outcome === 'deleted') return { status: 204, body: undefined };
      return outcome === 'already-deleted'
        ? invalid(`connection monitor ${route.monitorId} has already been deleted`)
        : notFound(`Connection monitor ${route.monitorId}`);
    }
    case 'listConnections':
      return listConnections(store, projectId, url, requestId);
    case 'showConnection': {
      const connection = store.connection(projectId, route.connectionId);
      if (connection === undefined) return notFound(`VPN connection ${route.connectionId}`);
      return { status: 200, body: { vpn_connection: connection, request_id: requestId } };
    }
  }
};
