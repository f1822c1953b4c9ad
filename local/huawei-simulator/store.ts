import { randomUUID } from 'node:crypto';
import { SimulatorUsageError } from './errors.ts';
import { stableIp, stableUuid } from './ids.ts';
import {
  type ConnectionSeed,
  connectionSeedSchema,
  projectIdSchema,
  type VpnConnectionStatus,
} from './schemas.ts';

/** A connection monitor as `show` and `list` return it. */
export interface ConnectionMonitor {
  id: string;
  vpn_connection_id: string;
  type: 'gateway';
  source_ip: string;
  destination_ip: string;
  proto_type: 'icmp';
  status: 'ACTIVE' | 'PENDING_CREATE' | 'PENDING_DELETE';
}

/** A VPN connection as `GET /v5/{project_id}/vpn-connection[/{id}]` returns it. */
export interface VpnConnection {
  id: string;
  name: string;
  status: VpnConnectionStatus;
  vgw_id: string;
  vgw_ip: string;
  style: 'STATIC';
  cgw_id: string;
  peer_subnets: string[];
  enable_nqa: boolean;
  created_at: string;
  updated_at: string;
  enterprise_project_id: string;
  ha_role: 'master';
}

/** One page of connections, sorted by id; `nextMarker` is set when more follow. */
interface ConnectionPage {
  items: VpnConnection[];
  nextMarker: string | undefined;
  total: number;
}

/** How a delete went: the documented answers differ for each. */
type DeleteOutcome = 'deleted' | 'already-deleted' | 'not-found';

interface ProjectState {
  connections: Map<string, VpnConnection>;
  sortedIds: string[] | undefined;
  monitors: Map<string, ConnectionMonitor>;
  monitorByConnection: Map<string, ConnectionMonitor>;
  deletedMonitors: Set<string>;
}

/** The simulator's state: projects, their VPN connections and connection monitors. */
export interface SimulatorStore {
  addProject(projectId: string): void;
  hasProject(projectId: string): boolean;
  addConnection(projectId: string, seed: ConnectionSeed): VpnConnection;
  setConnectionStatus(projectId: string, id: string, status: VpnConnectionStatus): VpnConnection;
  /**
   * Removes a connection and its monitor (with `keepMonitor`, the monitor stays: an orphan);
   * `false` when there was no such connection.
   */
  removeConnection(projectId: string, id: string, options?: { keepMonitor?: boolean }): boolean;
  connection(projectId: string, id: string): VpnConnection | undefined;
  connections(projectId: string): VpnConnection[];
  pageOfConnections(
    projectId: string,
    page: { limit: number; marker: string | undefined; vgwId: string | undefined },
  ): ConnectionPage;
  monitor(projectId: string, monitorId: string): ConnectionMonitor | undefined;
  monitorOf(projectId: string, connectionId: string): ConnectionMonitor | undefined;
  /** Creates the monitor; the caller has checked that the connection has none. */
  createMonitor(projectId: string, connection: VpnConnection): ConnectionMonitor;
  deleteMonitor(projectId: string, monitorId: string): DeleteOutcome;
  listMonitors(projectId: string, connectionId: string | undefined): ConnectionMonitor[];
  /** Every monitor, with its project, for tests and the control surface. */
  allMonitors(projectId?: string): (ConnectionMonitor & { project_id: string })[];
  clear(): void;
}

const firstAfter = (sorted: readonly string[], marker: string): number => {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? '') <= marker) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** Creates an empty store; `now` stamps `created_at`/`updated_at`. */
export const createStore = (now: () => number): SimulatorStore => {
  const projects = new Map<string, ProjectState>();

  const project = (projectId: string): ProjectState => {
    const state = projects.get(projectId);
    if (state === undefined) throw new SimulatorUsageError(`Unknown project ${projectId}`);
    return state;
  };
  const existing = (projectId: string, id: string): VpnConnection => {
    const connection = project(projectId).connections.get(id);
    if (connection === undefined) {
      throw new SimulatorUsageError(`Unknown VPN connection ${id} in project ${projectId}`);
    }
    return connection;
  };
  const addProject = (projectId: string): void => {
    projectIdSchema.parse(projectId);
    if (projects.has(projectId)) return;
    projects.set(projectId, {
      connections: new Map(),
      sortedIds: undefined,
      monitors: new Map(),
      monitorByConnection: new Map(),
      deletedMonitors: new Set(),
    });
  };
  const dropMonitor = (state: ProjectState, monitor: ConnectionMonitor): void => {
    state.monitors.delete(monitor.id);
    state.monitorByConnection.delete(monitor.vpn_connection_id);
    state.deletedMonitors.add(monitor.id);
  };

  return {
    addProject,
    hasProject: (projectId) => projects.has(projectId),
    addConnection(projectId, seed) {
      const { id, status = 'ACTIVE', name, vgwId } = connectionSeedSchema.parse(seed);
      addProject(projectId);
      const state = project(projectId);
      if (state.connections.has(id)) {
        throw new SimulatorUsageError(`VPN connection ${id} already exists in ${projectId}`);
      }
      const gateway = vgwId ?? stableUuid(`${projectId}/vpn-gateway`);
      const stamp = new Date(now()).toISOString();
      const connection: VpnConnection = {
        id,
        name: name ?? `vpn-${id.slice(0, 8)}`,
        status,
        vgw_id: gateway,
        vgw_ip: stableIp(gateway),
        style: 'STATIC',
        cgw_id: stableUuid(`${id}/customer-gateway`),
        peer_subnets: ['192.168.0.0/24'],
        enable_nqa: false,
        created_at: stamp,
        updated_at: stamp,
        enterprise_project_id: '0',
        ha_role: 'master',
      };
      state.connections.set(id, connection);
      state.sortedIds = undefined;
      return connection;
    },
    setConnectionStatus(projectId, id, status) {
      const connection = existing(projectId, id);
      connection.status = status;
      connection.updated_at = new Date(now()).toISOString();
      return connection;
    },
    removeConnection(projectId, id, options = {}) {
      const state = projects.get(projectId);
      if (state === undefined || !state.connections.delete(id)) return false;
      state.sortedIds = undefined;
      const monitor = state.monitorByConnection.get(id);
      if (monitor !== undefined && !options.keepMonitor) dropMonitor(state, monitor);
      return true;
    },
    connection: (projectId, id) => projects.get(projectId)?.connections.get(id),
    connections: (projectId) => [...project(projectId).connections.values()],
    pageOfConnections(projectId, { limit, marker, vgwId }) {
      const state = project(projectId);
      state.sortedIds ??= [...state.connections.keys()].sort();
      const ids = state.sortedIds;
      // The marker is the last id of the previous page: the page starts after it, even if that
      // connection was removed in between.
      const start = marker === undefined ? 0 : firstAfter(ids, marker);
      const items: VpnConnection[] = [];
      let total = 0;
      let more = false;
      for (let index = 0; index < ids.length; index += 1) {
        const connection = state.connections.get(ids[index] ?? '');
        if (connection === undefined || (vgwId !== undefined && connection.vgw_id !== vgwId)) {
          continue;
        }
        total += 1;
        if (index < start) continue;
        if (items.length < limit) items.push(connection);
        else more = true;
      }
      return { items, nextMarker: more ? items.at(-1)?.id : undefined, total };
    },
    monitor: (projectId, monitorId) => projects.get(projectId)?.monitors.get(monitorId),
    monitorOf: (projectId, connectionId) =>
      projects.get(projectId)?.monitorByConnection.get(connectionId),
    createMonitor(projectId, connection) {
      const state = project(projectId);
      const monitor: ConnectionMonitor = {
        id: randomUUID(),
        vpn_connection_id: connection.id,
        type: 'gateway',
        source_ip: connection.vgw_ip,
        destination_ip: stableIp(connection.cgw_id),
        proto_type: 'icmp',
        status: 'ACTIVE',
      };
      state.monitors.set(monitor.id, monitor);
      state.monitorByConnection.set(connection.id, monitor);
      return monitor;
    },
    deleteMonitor(projectId, monitorId) {
      const state = project(projectId);
      const monitor = state.monitors.get(monitorId);
      if (monitor !== undefined) {
        dropMonitor(state, monitor);
        return 'deleted';
      }
      return state.deletedMonitors.has(monitorId) ? 'already-deleted' : 'not-found';
    },
    listMonitors(projectId, connectionId) {
      const state = project(projectId);
      if (connectionId === undefined) return [...state.monitors.values()];
      const monitor = state.monitorByConnection.get(connectionId);
      return monitor === undefined ? [] : [monitor];
    },
    allMonitors(projectId) {
      const ids = projectId === undefined ? [...projects.keys()] : [projectId];
      return ids.flatMap((id) =>
        [...(projects.get(id)?.monitors.values() ?? [])].map((monitor) => ({
          ...monitor,
          project_id: id,
        })),
      );
    },
    clear() {
      projects.clear();
    },
  };
};
