import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest } from './api-handler.ts';
import { handleCloudEyeRequest, isCloudEyePath } from './cloud-eye.ts';
import { CONTROL_PREFIX, handleControlRequest } from './control.ts';
import { handleIdentityRequest, isIdentityPath } from './identity/identity-handler.ts';
import { createSimulatorState } from './simulator-state.ts';
import type { HuaweiSimulator, HuaweiSimulatorOptions } from './types.ts';

/** The simulator only ever listens on loopback. */
export const SIMULATOR_HOST = '127.0.0.1';

const isControlPath = (target: string): boolean =>
  target.startsWith(CONTROL_PREFIX) &&
  (target.length === CONTROL_PREFIX.length || '/?'.includes(target[CONTROL_PREFIX.length] ?? ''));

/**
 * Starts a Huawei VPN API simulator on 127.0.0.1: it verifies AK/SK signatures, keeps projects,
 * VPN connections and connection monitors in memory, injects faults on demand, and serves a
 * control surface under `/__simulator`.
 */
export const startHuaweiSimulator = async (
  options: HuaweiSimulatorOptions,
): Promise<HuaweiSimulator> => {
  const stopping = new AbortController();
  const { context, control, events } = createSimulatorState(options, stopping.signal);

  let baseUrl = '';
  const server = createServer((request, response) => {
    if (isControlPath(request.url ?? '')) {
      context.stats.control();
      handleControlRequest(control, request, response);
    } else if (isCloudEyePath(request.url ?? '')) {
      handleCloudEyeRequest(context, context.cloudEye, request, response);
    } else if (isIdentityPath(request.url ?? '')) {
      handleIdentityRequest(context, request, response, baseUrl);
    } else {
      handleApiRequest(context, request, response);
    }
  });
  server.on('connection', () => context.stats.tcpConnection());
  // A client that resets mid-request must not take the simulator down.
  server.on('clientError', (_error, socket) => socket.destroy());

  server.listen(options.port ?? 0, SIMULATOR_HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${SIMULATOR_HOST}:${port}`;

  let stopped: Promise<void> | undefined;
  return {
    ...control,
    endpoint: baseUrl,
    port,
    onConnectionCreated: (listener) => events.on(listener),
    identity: context.identity,
    traceRequests: (on) => context.requestLog.enable(on),
    requests: () => context.requestLog.entries(),
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        stopping.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
};
