import type { CredentialGate } from '../accounts/index.ts';
import { ProvisionerError } from '../errors.ts';
import type {
  ConnectionMonitor,
  HuaweiVpnClient,
  VpnConnection,
  VpnTarget,
} from '../huawei/index.ts';
import { type RetryOptions, withRetry } from '../retry/index.ts';

/**
 * Huawei's connection list could not be read to its end (a `next_marker` came back twice, so
 * following it would never stop). The target is left alone: nothing is queued or deleted from
 * a partial list. Run again later; if it repeats, report the request id to Huawei.
 */
export class IncompleteListingError extends ProvisionerError {
  public override name = 'IncompleteListingError';
}

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
const DEFAULT_PAGE_SIZE = 200;

/** Runs one Huawei call under the gate, retried where the policy says so. */
export const call = <T>(calls: HuaweiCalls, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => calls.gate.run(fn), calls.retry);

type OnPage = (page: { page: number; connections: number }) => void;

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
  onPage?: OnPage,
): Promise<{ connections: VpnConnection[]; pages: number }> => {
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

/** A monitor as a plan needs it: its id and its connection's. */
export type MonitorRef = Pick<ConnectionMonitor, 'id' | 'vpn_connection_id'>;

/**
 * What a listed connection's `connection_monitor_id` says: the monitor's id; `null` when the
 * key is there and names none (null, or an empty string); `undefined` when the listing does not
 * say (the key is missing, or holds something other than a string).
 */
export const monitorIdOf = (connection: VpnConnection): string | null | undefined => {
  if (!Object.hasOwn(connection, 'connection_monitor_id')) return undefined;
  const value = connection.connection_monitor_id;
  if (value === null) return null;
  if (typeof value !== 'string') return undefined;
  return value.trim() === '' ? null : value;
};

/**
 * The monitors a target's connections name, when every one of them carries
 * `connection_monitor_id` (even as null or empty: then it has none). `undefined` as soon as one
 * does not: which regions or API versions send the key is not documented, so a listing where
 * it is missing anywhere is not trusted anywhere, and only the monitor list can tell.
 */
export const monitorsNamedByConnections = (
  connections: readonly VpnConnection[],
): MonitorRef[] | undefined => {
  const monitors: MonitorRef[] = [];
  for (const connection of connections) {
    const monitorId = monitorIdOf(connection);
    if (monitorId === undefined) return undefined;
    if (monitorId !== null) monitors.push({ id: monitorId, vpn_connection_id: connection.id });
  }
  return monitors;
};

/**
 * Reads what a target's plan needs, in as few Huawei calls as that allows. Looking for
 * orphans, it lists the monitors, then the connections, so a monitor created in between is
 * never taken for an orphan (`orphansChecked`: listed after, a monitor may belong to a
 * connection made since). Otherwise it lists the connections and, when every one carries
 * `connection_monitor_id`, decides from that alone; when any lacks it, it lists the monitors
 * after all.
 */
export const readTargetState = async (
  calls: HuaweiCalls,
  target: VpnTarget,
  options: { findOrphans: boolean; pageSize?: number | undefined; onPage?: OnPage | undefined },
) => {
  const listConnections = () =>
    listAllConnections(calls, target, options.pageSize ?? DEFAULT_PAGE_SIZE, options.onPage);
  if (options.findOrphans) {
    const monitors = await listAllMonitors(calls, target);
    const listing = await listConnections();
    return { ...listing, monitors, monitorsFrom: 'monitor-list' as const, orphansChecked: true };
  }
  const listing = await listConnections();
  const named = monitorsNamedByConnections(listing.connections);
  if (named !== undefined) {
    return {
      ...listing,
      monitors: named,
      monitorsFrom: 'connections' as const,
      orphansChecked: false,
    };
  }
  const monitors = await listAllMonitors(calls, target);
  return { ...listing, monitors, monitorsFrom: 'monitor-list' as const, orphansChecked: false };
};

/** Where a plan's monitors came from: the monitor list, or the connections' `connection_monitor_id`. */
export type MonitorSource = Awaited<ReturnType<typeof readTargetState>>['monitorsFrom'];
