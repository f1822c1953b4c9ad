import { z } from 'zod';
import { type ApiError, apiError, ERROR_CODES } from './errors.ts';
import type { Route } from './routes.ts';
import { resourceIdSchema } from './schemas.ts';
import type { SimulatorStore } from './store.ts';

/** A successful answer of the VPN service: status and body (`request_id` included). */
export interface ApiSuccess {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** The largest (and default) page size of `GET /v5/{project_id}/vpn-connection`. */
export const MAX_CONNECTION_PAGE = 200;

const createBodySchema = z.strictObject({
  connection_monitor: z.strictObject({ vpn_connection_id: resourceIdSchema }),
});

/** The parsed create body: the connection id, or why the body is invalid. */
export type CreateInput = { connectionId: string } | { error: ApiError };

const invalid = (message: string): ApiError =>
  apiError(400, ERROR_CODES.invalidRequest, `Invalid request: ${message}`);

/** Parses `{"connection_monitor":{"vpn_connection_id":"..."}}`; unknown fields are refused. */
export const parseCreateBody = (body: Buffer): CreateInput => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { error: invalid('the body is not valid JSON') };
  }
  const parsed = createBodySchema.safeParse(json);
  if (parsed.success) return { connectionId: parsed.data.connection_monitor.vpn_connection_id };
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') || 'body';
  return { error: invalid(`${where}: ${issue?.message ?? 'invalid'}`) };
};

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
  store: SimulatorStore,
  projectId: string,
  input: CreateInput | undefined,
  requestId: string,
): ApiSuccess | ApiError => {
  if (input === undefined) return invalid('the body is missing');
  if ('error' in input) return input.error;
  const id = input.connectionId;
  const connection = store.connection(projectId, id);
  if (connection === undefined) return notFound(`VPN connection ${id}`);
  switch (connection.status) {
    case 'PENDING_CREATE':
      return apiError(
        409,
        ERROR_CODES.notReady,
        `VPN connection ${id} is not ready, currently PENDING_CREATE`,
      );
    case 'PENDING_UPDATE':
      return apiError(
        400,
        ERROR_CODES.connectionUpdating,
        `VPN connection ${id} is being updated, try later`,
      );
    case 'PENDING_DELETE':
      return apiError(425, ERROR_CODES.connectionDeleting, `VPN connection ${id} is deleting`);
    default:
      break;
  }
  if (store.monitorOf(projectId, id) !== undefined) {
    return apiError(
      400,
      ERROR_CODES.monitorExists,
      `VPN connection ${id} already has connection monitor`,
    );
  }
  const { status: _status, ...created } = store.createMonitor(projectId, connection);
  return { status: 201, body: { connection_monitor: created, request_id: requestId } };
};

const listConnections = (
  store: SimulatorStore,
  projectId: string,
  url: URL,
  requestId: string,
): ApiSuccess | ApiError => {
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? MAX_CONNECTION_PAGE : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '0') || limit < 1 || limit > MAX_CONNECTION_PAGE) {
    return invalid(`limit must be an integer from 1 to ${MAX_CONNECTION_PAGE}`);
  }
  const page = store.pageOfConnections(projectId, {
    limit,
    marker: url.searchParams.get('marker') ?? undefined,
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
 * (a created or deleted monitor) have happened by the time it returns.
 */
export const handleOperation = (
  store: SimulatorStore,
  route: Route,
  url: URL,
  input: CreateInput | undefined,
  requestId: string,
): ApiSuccess | ApiError => {
  const { projectId } = route;
  switch (route.operation) {
    case 'create':
      return create(store, projectId, input, requestId);
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
