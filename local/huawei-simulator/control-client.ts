import type { HuaweiCredentials } from '../../lib/huawei/signer.ts';
import type { ConnectionHealth } from './cloud-eye-state.ts';
import { CONTROL_PREFIX } from './control.ts';
import type { CloudEyeErrorFormat } from './errors.ts';
import type { PendingFault } from './faults.ts';
import type { RateLimit } from './rate-limit.ts';
import type {
  AnswerProfile,
  AnswerProfileChange,
  ConnectionSeed,
  FaultRule,
  RandomFaults,
  VpnConnectionStatus,
} from './schemas.ts';
import type { SimulatorStats } from './stats.ts';
import type { VpnConnection } from './store.ts';
import type { HuaweiSimulatorControl, MonitorSnapshot } from './types.ts';

/** {@link HuaweiSimulatorControl}, asynchronous, for a simulator running in another process. */
export type RemoteSimulatorControl = {
  [K in keyof HuaweiSimulatorControl]: (
    ...args: Parameters<HuaweiSimulatorControl[K]>
  ) => Promise<ReturnType<HuaweiSimulatorControl[K]>>;
};

/** A control call the simulator refused; `status` is its HTTP status. */
export class SimulatorControlError extends Error {
  public readonly status: number;

  public constructor(message: string, status: number) {
    super(message);
    this.name = 'SimulatorControlError';
    this.status = status;
  }
}

/**
 * Drives a simulator's `/__simulator` control surface over HTTP, e.g. one started with `main.ts`
 * in a child process. A refused call rejects with the simulator's error message.
 */
export const connectToSimulator = (endpoint: string): RemoteSimulatorControl => {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${endpoint}${CONTROL_PREFIX}/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const error = (json as { error?: unknown } | undefined)?.error;
      throw new SimulatorControlError(
        `Simulator control ${method} ${path}: ${String(error ?? response.status)}`,
        response.status,
      );
    }
    return json;
  };
  const project = (projectId: string): string => `projects/${encodeURIComponent(projectId)}`;
  const connection = (projectId: string, id: string): string =>
    `${project(projectId)}/connections/${encodeURIComponent(id)}`;

  return {
    addProject: async (projectId: string) => {
      await call('POST', project(projectId));
    },
    addConnection: async (
      projectId: string,
      seed: string | ConnectionSeed,
      status?: VpnConnectionStatus,
    ) => {
      const body = {
        ...(typeof seed === 'string' ? { id: seed } : seed),
        ...(status === undefined ? {} : { status }),
      };
      const answer = (await call('POST', `${project(projectId)}/connections`, body)) as {
        connections: VpnConnection[];
      };
      const [added] = answer.connections;
      if (added === undefined) throw new Error('Simulator control: no connection was added');
      return added;
    },
    setConnectionStatus: async (projectId: string, id: string, status: VpnConnectionStatus) =>
      (
        (await call('PATCH', connection(projectId, id), { status })) as {
          connection: VpnConnection;
        }
      ).connection,
    removeConnection: async (
      projectId: string,
      id: string,
      options: { keepMonitor?: boolean } = {},
    ) => {
      try {
        await call(
          'DELETE',
          `${connection(projectId, id)}${options.keepMonitor ? '?keep_monitor=true' : ''}`,
        );
        return true;
      } catch (error) {
        if (error instanceof SimulatorControlError && error.status === 404) return false;
        throw error;
      }
    },
    connections: async (projectId: string) =>
      ((await call('GET', `${project(projectId)}/connections`)) as { connections: VpnConnection[] })
        .connections,
    monitors: async (projectId?: string) =>
      (
        (await call(
          'GET',
          projectId === undefined
            ? 'monitors'
            : `monitors?project_id=${encodeURIComponent(projectId)}`,
        )) as { monitors: MonitorSnapshot[] }
      ).monitors,
    injectFault: async (rule: FaultRule) => {
      await call('POST', 'faults', rule);
    },
    pendingFaults: async () => ((await call('GET', 'faults')) as { faults: PendingFault[] }).faults,
    clearFaults: async () => {
      await call('DELETE', 'faults');
    },
    setRandomFaults: async (settings: RandomFaults | undefined) => {
      await (settings === undefined
        ? call('DELETE', 'random-faults')
        : call('PUT', 'random-faults', settings));
    },
    setLatency: async (ms: number) => {
      await call('PUT', 'latency', { ms });
    },
    setRateLimit: async (limit: RateLimit | undefined) => {
      await (limit === undefined ? call('DELETE', 'rate-limit') : call('PUT', 'rate-limit', limit));
    },
    setConnectionHealth: async (
      projectId: string,
      connectionId: string,
      health: ConnectionHealth | undefined,
    ) => {
      const path = `projects/${projectId}/connections/${encodeURIComponent(connectionId)}/health`;
      await (health === undefined ? call('DELETE', path) : call('PUT', path, health));
    },
    setCloudEyeRateLimit: async (limit: RateLimit | undefined) => {
      await (limit === undefined
        ? call('DELETE', 'cloud-eye/rate-limit')
        : call('PUT', 'cloud-eye/rate-limit', limit));
    },
    setCloudEyeErrorFormat: async (format: CloudEyeErrorFormat) => {
      await call('PUT', 'cloud-eye/error-format', { format });
    },
    cloudEyeStats: async () =>
      (await call('GET', 'cloud-eye/stats')) as {
        calls: number;
        metrics: number;
        throttled: number;
      },
    setAnswerProfile: async (change: AnswerProfileChange) =>
      ((await call('PUT', 'answer-profile', change)) as { profile: AnswerProfile }).profile,
    setReadyAfter: async (ms: number) => {
      await call('PUT', 'ready-after', { ms });
    },
    setCredentials: async (credentials: readonly HuaweiCredentials[]) => {
      await call('PUT', 'credentials', credentials);
    },
    stats: async () => (await call('GET', 'stats')) as SimulatorStats,
    resetStats: async () => {
      await call('POST', 'stats/reset');
    },
    reset: async () => {
      await call('POST', 'reset');
    },
  };
};
