import { z } from 'zod';
import { alreadyExistsAnswer, notFoundAnswer, notReadyAnswer } from './answer-profiles.ts';
import { type ApiSuccess, invalid, notFound, parseJson, type VpnApiContext } from './api-common.ts';
import { createConnections, listConnections } from './connection-operations.ts';
import { type ApiError, apiError, ERROR_CODES } from './errors.ts';
import type { Route } from './routes.ts';
import { resourceIdSchema } from './schemas.ts';
import type { SimulatorStore } from './store.ts';

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

/** Parses `{"connection_monitor":{"vpn_connection_id":"..."}}`; unknown fields are refused. */
export const parseCreateBody = (body: Buffer): CreateInput => {
  const parsed = parseJson(body, createBodySchema);
  return 'code' in parsed
    ? { error: parsed }
    : { connectionId: parsed.value.connection_monitor.vpn_connection_id };
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
