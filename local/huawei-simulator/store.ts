import { randomUUID } from 'node:crypto';
import { SimulatorUsageError } from './errors.ts';
import { stableIp, stableUuid } from './ids.ts';
import {
  type ConnectionSeed,
  connectionSeedSchema,
  projectIdSchema,
  type VpnConnectionInput,
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

/**
 * A VPN connection as `GET /v5/{project_id}/vpn-connection[/{id}]` returns it (the Go SDK's
 * `ResponseVpnConnection`). `connection_monitor_id` is there only while the connection has a
 * monitor.
 */
export interface VpnConnection {
  id: string;
  name: string;
  status: VpnConnectionStatus;
  vgw_id: string;
  vgw_ip: string;
  style: 'POLICY' | 'STATIC' | 'BGP';
  cgw_id: string;
  peer_subnets: string[];
  enable_nqa: boolean;
  created_at: string;
  updated_at: string;
  enterprise_project_id: string;
  connection_monitor_id?: string;
  ha_role: 'master' | 'slave';
}

/**
 * One page of connections in creation order; `nextMarker` (the last item's `created_at`) is set
 * when more follow.
 */
interface ConnectionPage {
  items: VpnConnection[];
  nextMarker: string | undefined;
  total: number;
}

/** How a delete went: the documented answers differ for each. */
type DeleteOutcome = 'deleted' | 'already-deleted' | 'not-found';

interface ProjectState {
  /** In creation order, which is also `created_at` order: every stamp is unique and rising. */
  connections: Map<string, VpnConnection>;
  ordered: VpnConnection[] | undefined;
  /** When a `PENDING_CREATE` connection turns `ACTIVE`, epoch milliseconds. */
  readyAt: Map<string, number>;
  monitors: Map<string, ConnectionMonitor>;
  monitorByConnection: Map<string, ConnectionMonitor>;
  deletedMonitors: Set<string>;
}

/** The simulator's state: projects, their VPN connections and connection monitors. */
export interface SimulatorStore {
  addProject(projectId: string): void;
  hasProject(projectId: string): boolean;
  addConnection(projectId: string, seed: ConnectionSeed): VpnConnection;
  /**
   * Creates a connection as the API does: a fresh id, `PENDING_CREATE`, `ACTIVE` once
   * `readyAfterMs` have passed on the simulator's clock.
   */
  createConnection(
    projectId: string,
    input: VpnConnectionInput,
    readyAfterMs: number,
  ): VpnConnection;
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
    page: { limit: number; marker: number | undefined; vgwId: string | undefined },
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

// The create body spells the style in lower case, answers in upper case (the Go SDK's enums).
const STYLES = { policy: 'POLICY', static: 'STATIC', bgp: 'BGP' } as const;

// Index of the first connection created after `marker` (a creation time).
const firstAfter = (ordered: readonly VpnConnection[], marker: number): number => {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (Date.parse(ordered[middle]?.created_at ?? '') <= marker) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** Creates an empty store; `now` stamps `created_at`/`updated_at`. */
export const createStore = (now: () => number): SimulatorStore => {
  const projects = new Map<string, ProjectState>();
  // Creation stamps never repeat, so the previous page's last creation time marks a page exactly.
  let lastStamp = Number.NEGATIVE_INFINITY;
  const creationStamp = (): string => {
    lastStamp = Math.max(now(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  };
  const touch = (connection: VpnConnection, at: number): void => {
    connection.updated_at = new Date(Math.max(at, Date.parse(connection.created_at))).toISOString();
  };
  // A connection whose time has come turns ACTIVE when it is next looked at.
  const settle = (state: ProjectState, connection: VpnConnection): VpnConnection => {
    const readyAt = state.readyAt.get(connection.id);
    if (readyAt !== undefined && now() >= readyAt) {
      state.readyAt.delete(connection.id);
      if (connection.status === 'PENDING_CREATE') {
        connection.status = 'ACTIVE';
        touch(connection, readyAt);
      }
    }
    return connection;
  };
  const settleAll = (state: ProjectState): void => {
    if (state.readyAt.size === 0) return;
    for (const id of [...state.readyAt.keys()]) {
      const connection = state.connections.get(id);
      if (connection === undefined) state.readyAt.delete(id);
      else settle(state, connection);
    }
  };

  const project = (projectId: string): ProjectState => {
    const state = projects.get(projectId);
    if (state === undefined) throw new SimulatorUsageError(`Unknown project ${projectId}`);
    return state;
  };
  const existing = (projectId: string, id: string): VpnConnection => {
    const state = project(projectId);
    const connection = state.connections.get(id);
    if (connection === undefined) {
      throw new SimulatorUsageError(`Unknown VPN connection ${id} in project ${projectId}`);
    }
    return settle(state, connection);
  };
  const insert = (state: ProjectState, connection: VpnConnection, readyAfterMs?: number): void => {
    state.connections.set(connection.id, connection);
    state.ordered = undefined;
    if (readyAfterMs !== undefined) state.readyAt.set(connection.id, now() + readyAfterMs);
  };
  const addProject = (projectId: string): void => {
    projectIdSchema.parse(projectId);
    if (projects.has(projectId)) return;
    projects.set(projectId, {
      connections: new Map(),
      ordered: undefined,
      readyAt: new Map(),
      monitors: new Map(),
      monitorByConnection: new Map(),
      deletedMonitors: new Set(),
    });
  };
  const dropMonitor = (state: ProjectState, monitor: ConnectionMonitor): void => {
    state.monitors.delete(monitor.id);
    state.monitorByConnection.delete(monitor.vpn_connection_id);
    state.deletedMonitors.add(monitor.id);
    const connection = state.connections.get(monitor.vpn_connection_id);
    if (connection?.connection_monitor_id === monitor.id) delete connection.connection_monitor_id;
  };

  return {
    addProject,
    hasProject: (projectId) => projects.has(projectId),
    addConnection(projectId, seed) {
      const parsed = connectionSeedSchema.parse(seed);
      const { id, name, vgwId, readyAfterMs } = parsed;
      const status = parsed.status ?? (readyAfterMs === undefined ? 'ACTIVE' : 'PENDING_CREATE');
      addProject(projectId);
      const state = project(projectId);
      if (state.connections.has(id)) {
        throw new SimulatorUsageError(`VPN connection ${id} already exists in ${projectId}`);
      }
      const gateway = vgwId ?? stableUuid(`${projectId}/vpn-gateway`);
      const stamp = creationStamp();
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
      insert(state, connection, readyAfterMs);
      return connection;
    },
    createConnection(projectId, input, readyAfterMs) {
      const state = project(projectId);
      const id = randomUUID();
      const stamp = creationStamp();
      const connection: VpnConnection = {
        id,
        // Huawei names an unnamed connection `vpn-` and four characters (its docs' examples).
        name: input.name ?? `vpn-${id.slice(0, 4)}`,
        status: 'PENDING_CREATE',
        vgw_id: input.vgw_id,
        vgw_ip: input.vgw_ip,
        style: STYLES[input.style ?? 'static'],
        cgw_id: input.cgw_id,
        peer_subnets: [...(input.peer_subnets ?? [])],
        enable_nqa: input.enable_nqa ?? false,
        created_at: stamp,
        updated_at: stamp,
        enterprise_project_id: '0',
        ha_role: input.ha_role ?? 'master',
      };
      insert(state, connection, readyAfterMs);
      return connection;
    },
    setConnectionStatus(projectId, id, status) {
      const connection = existing(projectId, id);
      project(projectId).readyAt.delete(id);
      connection.status = status;
      touch(connection, now());
      return connection;
    },
    removeConnection(projectId, id, options = {}) {
      const state = projects.get(projectId);
      if (state === undefined || !state.connections.delete(id)) return false;
      state.ordered = undefined;
      state.readyAt.delete(id);
      const monitor = state.monitorByConnection.get(id);
      if (monitor !== undefined && !options.keepMonitor) dropMonitor(state, monitor);
      return true;
    },
    connection(projectId, id) {
      const state = projects.get(projectId);
      const connection = state?.connections.get(id);
      return state === undefined || connection === undefined
        ? undefined
        : settle(state, connection);
    },
    connections(projectId) {
      const state = project(projectId);
      settleAll(state);
      return [...state.connections.values()];
    },
    pageOfConnections(projectId, { limit, marker, vgwId }) {
      const state = project(projectId);
      settleAll(state);
      state.ordered ??= [...state.connections.values()];
      const ordered = state.ordered;
      // The marker is the previous page's last creation time: the page starts after it, even if
      // that connection was removed in between.
      const start = marker === undefined ? 0 : firstAfter(ordered, marker);
      const items: VpnConnection[] = [];
      let total = 0;
      let more = false;
      for (let index = 0; index < ordered.length; index += 1) {
        const connection = ordered[index];
        if (connection === undefined || (vgwId !== undefined && connection.vgw_id !== vgwId)) {
          continue;
        }
        total += 1;
        if (index < start) continue;
        if (items.length < limit) items.push(connection);
        else more = true;
      }
      return { items, nextMarker: more ? items.at(-1)?.created_at : undefined, total };
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
      connection.connection_monitor_id = monitor.id;
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
