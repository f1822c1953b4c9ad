/**
 * Benchmark child: makes signed creates against a Huawei VPN API simulator running in another
 * process, with one of the clients being compared, and reports creates per second per round.
 * Started by `signed-calls.ts`; each client runs in a fresh process of its own.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type { BasicCredentials as OfficialBasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import type { ClientBuilder as OfficialClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { Agent, request } from 'undici';
import { createCredentialsProvider } from '../../lib/huawei/credentials.ts';
import { authorization, formatSdkDate } from '../../lib/huawei/signer.ts';
import { HuaweiVpnClient } from '../../lib/huawei/vpn-client.ts';
import { connectToSimulator } from '../../local/huawei-simulator/control-client.ts';
import { generatedConnectionId } from '../../local/huawei-simulator/ids.ts';
import { serveParent } from '../lib/children.ts';
import { now, runConcurrently } from '../lib/stats.ts';

/** The clients compared. */
export type ClientKind =
  | 'project'
  | 'sdk-core'
  | 'bare-undici'
  | 'pre-signed-undici'
  | 'bare-node-http';

/** How the parent sets this process's client up. */
export interface ClientSettings {
  client: ClientKind;
  endpoint: string;
  projectId: string;
  region: string;
  ak: string;
  sk: string;
  /** The simulator's generated connections: one round never creates more than this. */
  maxCreatesPerRound: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Keep-alive connections the undici-based clients may open. */
  connections: number;
}

/** One round: creates as fast as the client can for `roundMs` (calls in flight are counted). */
export interface RoundRequest {
  roundMs: number;
}

/** What one round measured: creates per second, and this process's CPU time per create. */
export interface RoundFigures {
  perSecond: number;
  cpuMicrosPerCreate: number;
}

/** One create for the connection with the given id; resolves with the HTTP status. */
type Create = (connectionId: string, index: number) => Promise<number>;

interface Driver {
  /** Work done before a round's clock starts (pre-signing). */
  prepare?(connectionIds: readonly string[]): void;
  create: Create;
  close(): Promise<void>;
}

const requireCommonJs = createRequire(import.meta.url);

const createBody = (connectionId: string): string =>
  JSON.stringify({ connection_monitor: { vpn_connection_id: connectionId } });

/** The project's own client on the endpoint, with the keys given and no secret. */
const projectVpnClient = (
  r: { endpoint: string; ak: string; sk: string },
  options: { connectionsPerOrigin?: number } = {},
): HuaweiVpnClient =>
  new HuaweiVpnClient({
    endpoint: () => r.endpoint,
    credentials: createCredentialsProvider(
      { kind: 'environment', ak: r.ak, sk: r.sk, securityToken: undefined },
      () => Promise.reject(new Error('no secret in a benchmark')),
    ),
    attemptTimeoutMs: 10_000,
    ...options,
  });

const projectClient = (r: ClientSettings): Driver => {
  const client = projectVpnClient(r, { connectionsPerOrigin: r.connections });
  const target = { projectId: r.projectId, region: r.region };
  return {
    create: async (connectionId) => {
      await client.createMonitor(target, connectionId);
      return 201;
    },
    close: () => client.close(),
  };
};

/**
 * The official SDK core, driven as its generated VPN client drives it: a `ClientBuilder` with
 * `BasicCredentials` builds the `HcClient`, and each call hands `sendRequest` the request
 * options (method, URL template, content type, path and query parameters, headers, body).
 */
const sdkCoreClient = (r: ClientSettings): Driver => {
  const { BasicCredentials } = requireCommonJs('@huaweicloud/huaweicloud-sdk-core') as {
    BasicCredentials: typeof OfficialBasicCredentials;
  };
  const { ClientBuilder } = requireCommonJs('@huaweicloud/huaweicloud-sdk-core/ClientBuilder') as {
    ClientBuilder: typeof OfficialClientBuilder;
  };
  const credentials = new BasicCredentials().withAk(r.ak).withSk(r.sk).withProjectId(r.projectId);
  const client: HcClient = new ClientBuilder((hcClient: HcClient) => hcClient)
    .withCredential(credentials)
    .withEndpoint(r.endpoint)
    .build();
  return {
    create: async (connectionId) => {
      const answer = await client.sendRequest({
        method: 'POST',
        url: '/v5/{project_id}/connection-monitors',
        contentType: 'application/json;charset=UTF-8',
        queryParams: {},
        pathParams: {},
        headers: { 'Content-Type': 'application/json' },
        data: { connection_monitor: { vpn_connection_id: connectionId } },
      });
      return answer.httpStatusCode ?? 0;
    },
    close: async () => undefined,
  };
};

/** The ceiling: an unsigned POST of the same body on an undici pool (Huawei answers 401). */
const bareUndici = (r: ClientSettings): Driver => {
  const agent = new Agent({ connections: r.connections });
  const url = `${r.endpoint}/v5/${r.projectId}/connection-monitors`;
  return {
    create: async (connectionId) => {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: createBody(connectionId),
        dispatcher: agent,
      });
      await response.body.text();
      return response.statusCode;
    },
    close: () => agent.close(),
  };
};

/**
 * The same bare POST, signed before the clock starts: the simulator does a real create's work,
 * the client does none of the signing. Shows what is left for a client to lose.
 */
const preSignedUndici = (r: ClientSettings): Driver => {
  const agent = new Agent({ connections: r.connections });
  const url = new URL(`${r.endpoint}/v5/${r.projectId}/connection-monitors`);
  let signed: { body: string; headers: Record<string, string> }[] = [];
  return {
    prepare: (connectionIds) => {
      const sdkDate = formatSdkDate(new Date());
      signed = connectionIds.map((connectionId) => {
        const body = createBody(connectionId);
        const headers: Record<string, string> = {
          'content-type': 'application/json;charset=UTF-8',
          host: url.host,
          'x-project-id': r.projectId,
          'x-sdk-date': sdkDate,
        };
        headers.authorization = authorization(
          { method: 'POST', url, headers, body },
          { ak: r.ak, sk: r.sk },
        );
        return { body, headers };
      });
    },
    create: async (_connectionId, index) => {
      const { body, headers } = signed[index] ?? { body: '', headers: {} };
      const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      await response.body.text();
      return response.statusCode;
    },
    close: () => agent.close(),
  };
};

const bareNodeHttp = (r: ClientSettings): Driver => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: r.connections });
  const url = new URL(`${r.endpoint}/v5/${r.projectId}/connection-monitors`);
  // A kept-alive socket the server closed while this client sat idle between rounds (Node's
  // server drops idle sockets after 5 s) fails its next request with ECONNRESET; Node's docs
  // advise sending it again when `req.reusedSocket` is set, which is what any real client does.
  const create = (connectionId: string, retried = false): Promise<number> =>
    send(connectionId).catch((error: unknown) => {
      if (!retried && error instanceof ReusedSocketReset) return create(connectionId, true);
      throw error;
    });
  const send = (connectionId: string) =>
    new Promise<number>((resolve, reject) => {
      const body = createBody(connectionId);
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json;charset=UTF-8',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            Buffer.concat(chunks).toString('utf8');
            resolve(res.statusCode ?? 0);
          });
          res.on('error', reject);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          req.reusedSocket && error.code === 'ECONNRESET'
            ? new ReusedSocketReset(error.message, { cause: error })
            : error,
        ),
      );
      req.end(body);
    });
  return { create: (connectionId) => create(connectionId), close: async () => agent.destroy() };
};

/** A request on a reused keep-alive socket that the server had closed: safe to send again. */
class ReusedSocketReset extends Error {
  public override name = 'ReusedSocketReset';
}

const DRIVERS: Record<ClientKind, (r: ClientSettings) => Driver> = {
  'bare-node-http': bareNodeHttp,
  project: projectClient,
  'sdk-core': sdkCoreClient,
  'bare-undici': bareUndici,
  'pre-signed-undici': preSignedUndici,
};

/** The status a client must see for every create, or the round measured something else. */
const EXPECTED_STATUS: Record<ClientKind, number> = {
  'bare-node-http': 401,
  project: 201,
  'sdk-core': 201,
  'bare-undici': 401,
  'pre-signed-undici': 201,
};

/** The client this process measures, once the parent has opened it. */
let opened: { settings: ClientSettings; driver: Driver; connectionIds: string[] } | undefined;

const open = (settings: ClientSettings): void => {
  opened = {
    settings,
    driver: DRIVERS[settings.client](settings),
    connectionIds: Array.from({ length: settings.maxCreatesPerRound }, (_, index) =>
      generatedConnectionId(settings.projectId, index),
    ),
  };
};

const runRound = async ({ roundMs }: RoundRequest): Promise<RoundFigures> => {
  if (opened === undefined) throw new Error('round before open');
  const { settings, driver, connectionIds } = opened;
  // Every round starts from the seeded state: no monitors, so every create creates.
  await connectToSimulator(settings.endpoint).reset();
  driver.prepare?.(connectionIds);
  const expected = EXPECTED_STATUS[settings.client];
  // An unsigned create never creates anything, so its connections can be used again.
  const limit = expected === 401 ? Number.POSITIVE_INFINITY : connectionIds.length;
  const statuses: Record<string, number> = {};
  let next = 0;
  let failures = 0;
  let firstError: unknown;
  const cpuBefore = process.cpuUsage();
  const started = now();
  const deadline = started + roundMs;
  const caller = async (): Promise<void> => {
    while (next < limit && now() < deadline) {
      const index = next++;
      try {
        const status = await driver.create(
          connectionIds[index % connectionIds.length] as string,
          index,
        );
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch (error) {
        failures += 1;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, caller));
  const elapsedMs = now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  if (failures > 0) {
    throw new Error(`${settings.client}: ${failures} of ${next} creates failed`, {
      cause: firstError,
    });
  }
  if (statuses[expected] !== next) {
    throw new Error(
      `${settings.client}: expected ${next} answers ${expected}, got ${JSON.stringify(statuses)}`,
    );
  }
  if (next >= limit) {
    throw new Error(`${settings.client}: ran out of connections; raise maxCreatesPerRound`);
  }
  return {
    perSecond: (next * 1000) / elapsedMs,
    cpuMicrosPerCreate: (cpu.user + cpu.system) / next,
  };
};

/** What the connection-reuse check asks for. */
export interface ReuseRequest {
  endpoint: string;
  projectId: string;
  region: string;
  ak: string;
  sk: string;
  creates: number;
  /** More calls in flight than the pool has connections, so the pool has to say no. */
  concurrency: number;
}

/** TCP connections the simulator accepted while a fresh project client made the creates. */
export interface ReuseResult {
  creates: number;
  tcpConnections: number;
  poolConnections: number;
}

const connectionReuse = async (r: ReuseRequest): Promise<ReuseResult> => {
  const simulator = connectToSimulator(r.endpoint);
  await simulator.reset();
  const client = projectVpnClient(r);
  const target = { projectId: r.projectId, region: r.region };
  try {
    const { failures, firstError } = await runConcurrently(r.creates, r.concurrency, (index) =>
      client.createMonitor(target, generatedConnectionId(r.projectId, index)),
    );
    if (failures > 0) throw new Error(`${failures} creates failed`, { cause: firstError });
  } finally {
    await client.close();
  }
  const stats = await simulator.stats();
  return {
    creates: r.creates,
    tcpConnections: stats.tcpConnections,
    poolConnections: HuaweiVpnClient.DEFAULT_CONNECTIONS_PER_ORIGIN,
  };
};

serveParent({
  open: (params) => open(params as ClientSettings),
  round: (params) => runRound(params as RoundRequest),
  close: () => opened?.driver.close(),
  reuse: (params) => connectionReuse(params as ReuseRequest),
});
