import type { CredentialGate } from '../accounts/index.ts';
import type {
  ConnectionMonitor,
  HuaweiVpnClient,
  VpnConnection,
  VpnTarget,
} from '../huawei/index.ts';
import { type RetryOptions, withRetry } from '../retry/index.ts';
import { IncompleteListingError } from './errors.ts';

/** The Huawei calls a reconcile run makes; the VPN client provides them. */
export type ReconcileClient = Pick<
  HuaweiVpnClient,
  'listVpnConnections' | 'listMonitors' | 'deleteMonitor'
>;

/** How each Huawei call of a run is made: under the run's gate, retried by the policy. */
export interface HuaweiCalls {
  client: ReconcileClient;
  gate: CredentialGate;
  retry: RetryOptions;
}

/** Huawei's largest page in most regions, and its default. */
export const DEFAULT_PAGE_SIZE = 200;

/** Runs one Huawei call under the gate, retried where the policy says so. */
export const call = <T>(calls: HuaweiCalls, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => calls.gate.run(fn), calls.retry);

/** A project's connections, and how many pages it took to read them. */
export interface ConnectionListing {
  connections: VpnConnection[];
  pages: number;
}

/**
 * Every VPN connection of the project, page after page, following `page_info.next_marker`
 * until there is none. A marker seen before would make the listing go round for ever: it
 * stops with an {@link IncompleteListingError} instead, so nothing is decided from a partial
 * list. A connection listed twice (it moved between pages) counts once.
 */
export const listAllConnections = async (
  calls: HuaweiCalls,
  target: VpnTarget,
  pageSize: number = DEFAULT_PAGE_SIZE,
  onPage?: (page: { page: number; connections: number }) => void,
): Promise<ConnectionListing> => {
  const byId = new Map<string, VpnConnection>();
  const markers = new Set<string>();
  let marker: string | undefined;
  let pages = 0;
  for (;;) {
    const from = marker;
    const page = await call(calls, () =>
      calls.client.listVpnConnections(target, { limit: pageSize, marker: from }, calls.retry),
    );
    pages += 1;
    for (const connection of page.connections) byId.set(connection.id, connection);
    onPage?.({ page: pages, connections: byId.size });
    if (page.nextMarker === undefined || page.nextMarker === '') break;
    if (markers.has(page.nextMarker) || page.nextMarker === from) {
      throw new IncompleteListingError(
        `Huawei returned the page marker ${page.nextMarker} twice while listing VPN connections` +
          ` of ${target.projectId} in ${target.region} (page ${pages}, request id` +
          ` ${page.requestId ?? 'unknown'}); stopped rather than loop`,
      );
    }
    markers.add(page.nextMarker);
    marker = page.nextMarker;
  }
  return { connections: [...byId.values()], pages };
};

/** Every connection monitor of the project (the list without `vpn_connection_id`). */
export const listAllMonitors = async (
  calls: HuaweiCalls,
  target: VpnTarget,
): Promise<ConnectionMonitor[]> => {
  const listed = await call(calls, () => calls.client.listMonitors(target, undefined, calls.retry));
  return listed.monitors;
};
