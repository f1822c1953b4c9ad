/** A request path the Huawei VPN API has, with its path parameters decoded. */
export type Route =
  | {
      operation:
        | 'create'
        | 'list'
        | 'listConnections'
        | 'createConnection'
        | 'batchCreateConnections';
      projectId: string;
    }
  | { operation: 'show' | 'delete'; projectId: string; monitorId: string }
  | { operation: 'showConnection'; projectId: string; connectionId: string };

const decode = (segment: string): string | undefined => {
  try {
    const value = decodeURIComponent(segment);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
};

type CollectionOperation = 'create' | 'list' | 'listConnections' | 'createConnection';

const collection = (method: string, resource: string): CollectionOperation | undefined => {
  if (resource === 'connection-monitors') {
    if (method === 'POST') return 'create';
    return method === 'GET' ? 'list' : undefined;
  }
  if (resource !== 'vpn-connection') return undefined;
  if (method === 'POST') return 'createConnection';
  return method === 'GET' ? 'listConnections' : undefined;
};

/**
 * Matches `METHOD /v5/{project_id}/...` to an operation; `undefined` for anything the API does
 * not have (the gateway answers those with 404 before checking signatures).
 */
export const matchRoute = (method: string, pathname: string): Route | undefined => {
  const segments = pathname.split('/');
  if (segments[0] !== '' || segments[1] !== 'v5' || segments.length < 4) return undefined;
  if (segments.length > 5) return undefined;
  const projectId = decode(segments[2] ?? '');
  const resource = segments[3] ?? '';
  if (projectId === undefined) return undefined;
  if (segments.length === 4) {
    const operation = collection(method, resource);
    return operation === undefined ? undefined : { operation, projectId };
  }
  // The one plural path of the API: `POST /v5/{project_id}/vpn-connections/batch-create`.
  if (resource === 'vpn-connections') {
    return method === 'POST' && segments[4] === 'batch-create'
      ? { operation: 'batchCreateConnections', projectId }
      : undefined;
  }
  const id = decode(segments[4] ?? '');
  if (id === undefined) return undefined;
  if (resource === 'connection-monitors') {
    if (method === 'GET') return { operation: 'show', projectId, monitorId: id };
    return method === 'DELETE' ? { operation: 'delete', projectId, monitorId: id } : undefined;
  }
  return resource === 'vpn-connection' && method === 'GET'
    ? { operation: 'showConnection', projectId, connectionId: id }
    : undefined;
};
