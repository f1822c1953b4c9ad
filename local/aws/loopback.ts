import type { Server } from 'node:http';

/** The only interface the local stand-ins listen on: nothing is reachable from the network. */
export const LOOPBACK_HOST = '127.0.0.1';

/** The emulators' dummy credentials, the same the commands use on a loopback endpoint. */
export { LOCAL_CREDENTIALS } from '../../lib/aws/clients.ts';

/** Region used when the caller names none. */
export const DEFAULT_LOCAL_REGION = 'eu-west-1';

/**
 * Starts `server` on a free loopback port (port 0, 127.0.0.1) and resolves with its
 * `http://127.0.0.1:<port>` endpoint.
 */
export const listenOnLoopback = (server: Server): Promise<string> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(0, LOOPBACK_HOST, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`Expected a TCP address, the server reports ${String(address)}`));
        return;
      }
      resolve(`http://${LOOPBACK_HOST}:${address.port}`);
    });
  });

/**
 * Closes `server` and the keep-alive sockets SDK clients leave open, so a test run never
 * waits for them to time out.
 */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
