import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy on loopback that holds every chunk a client sends for a while before passing it on. */
export interface DelayProxy {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  setDelayMs(ms: number): void;
  /** AWS requests seen so far: each carries one `X-Amz-Target` header (JSON protocols). */
  requests(): number;
  stop(): Promise<void>;
}

const AWS_TARGET = /x-amz-target:/gi;

/**
 * Starts a proxy in front of `target` that delays the request direction by `delayMs`: each
 * HTTP request sent on a connection reaches the server that much later, so every answer takes
 * that much longer (order is kept: equal delays fire in order). Answers pass straight through.
 */
export const startDelayProxy = async (target: URL, delayMs = 0): Promise<DelayProxy> => {
  let delay = delayMs;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      requests += chunk.toString('latin1').match(AWS_TARGET)?.length ?? 0;
      if (delay === 0) upstream.write(chunk);
      else setTimeout(() => upstream.destroyed || upstream.write(chunk), delay);
    });
    upstream.pipe(client);
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setDelayMs: (ms) => {
      delay = ms;
    },
    requests: () => requests,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
