import { z } from 'zod';
import { type ApiSuccess, invalid, parseJson, type VpnApiContext } from './api-common.ts';
import { maskSecrets } from './connection-events.ts';
import type { ApiError } from './errors.ts';
import { type VpnConnectionInput, vpnConnectionInputSchema } from './schemas.ts';
import type { SimulatorStore, VpnConnection } from './store.ts';

/** The largest (and default) page size of `GET /v5/{project_id}/vpn-connection` (0..2000). */
export const MAX_CONNECTION_PAGE = 2000;

const createConnectionBodySchema = z.object({ vpn_connection: vpnConnectionInputSchema });
const batchCreateBodySchema = z.object({
  vpn_connections: z.array(vpnConnectionInputSchema).min(1),
});

// The create answer carries no status (the Go SDK's `CreateResponseVpnConnection` has none);
// `show` tells it: PENDING_CREATE until the connection is ready.
const asCreated = ({ status: _status, ...created }: VpnConnection): Omit<VpnConnection, 'status'> =>
  created;

/** `POST .../vpn-connection` (one) or `POST .../vpn-connections/batch-create` (`batch`). */
export const createConnections = (
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

/** `GET /v5/{project_id}/vpn-connection`: one page, marked by creation time. */
export const listConnections = (
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
