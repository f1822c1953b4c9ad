import type { ConnectionMonitor, VpnConnection } from '../huawei/index.ts';

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
