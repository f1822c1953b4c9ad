import { DeadlineExceededError } from '../errors.ts';
import type { AdaptivePacer } from './adaptive-pacer.ts';
import type { CredentialsProvider } from './credentials.ts';
import { createKeepAlivePools, type KeepAlivePools, sendHuaweiRequest } from './http-request.ts';
import {
  expectAnswer,
  expectStatus,
  parseRetryAfter,
  type RawResponse,
  redactedAnswer,
  toNetworkError,
  unreadableAnswer,
} from './responses.ts';
import {
  type ConnectionMonitor,
  listMonitorsResponseSchema,
  listVpnConnectionsResponseSchema,
  monitorResponseSchema,
  showVpnConnectionResponseSchema,
  type VpnConnection,
} from './schemas.ts';
import { encodeRfc3986 } from './signer.ts';

/** Which project, in which region, a call is about. */
export interface VpnTarget {
  projectId: string;
  region: string;
}

/** A monitor together with the request id of the answer that carried it. */
export interface MonitorAnswer {
  monitor: ConnectionMonitor;
  requestId: string | undefined;
}

/** One page of a project's VPN connections; `nextMarker` is set when another page follows. */
export interface VpnConnectionPage {
  connections: VpnConnection[];
  nextMarker: string | undefined;
  requestId: string | undefined;
}

/** Per-call options: the caller's abort signal (the Lambda is about to time out) and deadline. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Epoch ms: a paced call whose slot comes later is not made ({@link ThrottledOutError}). */
  deadline?: number | undefined;
}

/** How the client is built; one instance per container. */
export interface VpnClientOptions {
  endpoint: (region: string) => string;
  /** One key for every call, or the key of each target's account (`lib/accounts/`). */
  credentials: CredentialsProvider | { forTarget(target: VpnTarget): CredentialsProvider };
  /** Each HTTP attempt is cut off after this long (connect, headers and body). */
  attemptTimeoutMs: number;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin?: number;
  /** Spaces the calls to each project under Huawei's rate limit, learning it from 429s. */
  pacer?: AdaptivePacer | undefined;
  now?: () => Date;
}

/**
 * The Huawei Cloud VPN API: connection monitors, and the list of VPN connections, signed with
 * AK/SK. Node's HTTP agents keep a keep-alive pool per regional endpoint. Every failure becomes
 * a typed error (`HuaweiApiError`, `HuaweiNetworkError`, `DeadlineExceededError`); retrying is
 * the caller's.
 */
export class HuaweiVpnClient {
  /** Keep-alive connections per regional endpoint unless `connectionsPerOrigin` says otherwise. */
  public static readonly DEFAULT_CONNECTIONS_PER_ORIGIN = 16;

  readonly #options: VpnClientOptions;
  readonly #pools: KeepAlivePools;

  public constructor(options: VpnClientOptions) {
    this.#options = options;
    this.#pools = createKeepAlivePools(
      options.connectionsPerOrigin ?? HuaweiVpnClient.DEFAULT_CONNECTIONS_PER_ORIGIN,
    );
  }

  /** `POST /v5/{project_id}/connection-monitors`: creates the monitor (201). */
  public async createMonitor(
    target: VpnTarget,
    vpnConnectionId: string,
    options: CallOptions = {},
  ): Promise<MonitorAnswer> {
    const body = JSON.stringify({ connection_monitor: { vpn_connection_id: vpnConnectionId } });
    const response = await this.#send(
      'VPN API create',
      'POST',
      target,
      ['connection-monitors'],
      options,
      {
        body,
      },
    );
    const { parsed, requestId } = expectAnswer('VPN API create', response, {
      status: [201, 200],
      schema: monitorResponseSchema,
      changesState: true,
    });
    // Never published as this connection's monitor; the create may still have gone through.
    if (parsed.connection_monitor.vpn_connection_id !== vpnConnectionId) {
      throw anotherConnection('VPN API create', response, true);
    }
    return { monitor: parsed.connection_monitor, requestId };
  }

  /** `GET /v5/{project_id}/connection-monitors?vpn_connection_id=`: the connection's monitors. */
  public async listMonitors(
    target: VpnTarget,
    vpnConnectionId: string | undefined,
    options: CallOptions = {},
  ): Promise<{ monitors: ConnectionMonitor[]; requestId: string | undefined }> {
    const query = vpnConnectionId === undefined ? {} : { vpn_connection_id: vpnConnectionId };
    const response = await this.#send(
      'VPN API list',
      'GET',
      target,
      ['connection-monitors'],
      options,
      {
        query,
      },
    );
    const { parsed, requestId } = expectAnswer('VPN API list', response, {
      status: [200],
      schema: listMonitorsResponseSchema,
    });
    // A monitor of another connection in a filtered list is an answer to another question:
    // asked again, like a garbled read.
    if (
      vpnConnectionId !== undefined &&
      parsed.connection_monitors.some((monitor) => monitor.vpn_connection_id !== vpnConnectionId)
    ) {
      throw anotherConnection('VPN API list', response, false);
    }
    return { monitors: parsed.connection_monitors, requestId };
  }

  /** `GET /v5/{project_id}/connection-monitors/{id}`: one monitor, with its status. */
  public async showMonitor(
    target: VpnTarget,
    monitorId: string,
    options: CallOptions = {},
  ): Promise<MonitorAnswer> {
    const path = ['connection-monitors', monitorId];
    const { parsed, requestId } = expectAnswer(
      'VPN API show',
      await this.#send('VPN API show', 'GET', target, path, options),
      { status: [200], schema: monitorResponseSchema },
    );
    return { monitor: parsed.connection_monitor, requestId };
  }

  /** `DELETE /v5/{project_id}/connection-monitors/{id}`: answers 204 with no body. */
  public async deleteMonitor(
    target: VpnTarget,
    monitorId: string,
    options: CallOptions = {},
  ): Promise<{ requestId: string | undefined }> {
    const path = ['connection-monitors', monitorId];
    const response = await this.#send('VPN API delete', 'DELETE', target, path, options);
    expectStatus('VPN API delete', response, [204, 200], true);
    return { requestId: response.requestIdHeader };
  }

  /**
   * `GET /v5/{project_id}/vpn-connection?limit=&marker=`: one page of the project's VPN
   * connections. Pass the previous page's `nextMarker` as `marker` for the next one.
   */
  public async listVpnConnections(
    target: VpnTarget,
    page: { limit?: number | undefined; marker?: string | undefined } = {},
    options: CallOptions = {},
  ): Promise<VpnConnectionPage> {
    const query: Record<string, string> = {};
    if (page.limit !== undefined) query.limit = String(page.limit);
    if (page.marker !== undefined) query.marker = page.marker;
    const { parsed, requestId } = expectAnswer(
      'VPN API listConnections',
      await this.#send('VPN API listConnections', 'GET', target, ['vpn-connection'], options, {
        query,
      }),
      { status: [200], schema: listVpnConnectionsResponseSchema },
    );
    const nextMarker = parsed.page_info?.next_marker ?? undefined;
    return { connections: parsed.vpn_connections, nextMarker, requestId };
  }

  /**
   * `GET /v5/{project_id}/vpn-connection/{id}`: one VPN connection, with its `status`. A
   * connection Huawei does not know is a `HuaweiApiError` (404 `VPN.0004` by the error-code
   * page; what a missing connection really gets is not documented: `ensure-monitor.ts` reads
   * a 400 or 404 to a well-formed id as "not found").
   */
  public async showConnection(
    target: VpnTarget,
    vpnConnectionId: string,
    options: CallOptions = {},
  ): Promise<{ connection: VpnConnection; requestId: string | undefined }> {
    const path = ['vpn-connection', vpnConnectionId];
    const { parsed, requestId } = expectAnswer(
      'VPN API showConnection',
      await this.#send('VPN API showConnection', 'GET', target, path, options),
      { status: [200], schema: showVpnConnectionResponseSchema },
    );
    return { connection: parsed.vpn_connection, requestId };
  }

  /** Closes the keep-alive connections (tests and local runs; Lambda just freezes). */
  public async close(): Promise<void> {
    this.#pools.http.destroy();
    this.#pools.https.destroy();
  }

  /**
   * One signed attempt of `method` on `/v5/{project_id}/{path...}?{query}`, with a JSON `body`
   * (only a create sends one); `operation` names it in errors. Every failure below HTTP becomes a
   * typed error.
   */
  async #send(
    operation: string,
    method: 'GET' | 'POST' | 'DELETE',
    target: VpnTarget,
    path: readonly string[],
    options: CallOptions,
    { query, body }: { query?: Record<string, string>; body?: string } = {},
  ): Promise<RawResponse> {
    if (options.signal?.aborted) {
      throw new DeadlineExceededError(
        `Huawei ${operation} not attempted: the invocation is ending`,
      );
    }
    const segments = ['v5', target.projectId, ...path];
    const url = new URL(
      `${this.#options.endpoint(target.region)}/${segments.map(encodeRfc3986).join('/')}`,
    );
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.append(key, value);

    const pacer = this.#options.pacer;
    await pacer?.acquire(
      target.projectId,
      options.deadline ?? Number.POSITIVE_INFINITY,
      options.signal,
    );
    const provider = this.#options.credentials;
    const credentials = await ('forTarget' in provider
      ? provider.forTarget(target)
      : provider
    ).get();
    try {
      const response = await sendHuaweiRequest(this.#pools, {
        method,
        url,
        body,
        headers: { 'x-project-id': target.projectId },
        credentials,
        date: this.#options.now?.() ?? new Date(),
        timeoutMs: this.#options.attemptTimeoutMs,
        signal: options.signal,
      });
      const answer = redactedAnswer(response, credentials);
      pacer?.observe(target.projectId, answer.status, parseRetryAfter(answer.retryAfterHeader));
      return answer;
    } catch (error) {
      if (options.signal?.aborted) {
        throw new DeadlineExceededError(
          `Huawei ${operation} cut short: the invocation is ending; the outcome is unknown`,
          { cause: error },
        );
      }
      throw toNetworkError(operation, error);
    }
  }
}

/** The error of an answer about another VPN connection than the one asked about. */
const anotherConnection = (operation: string, response: RawResponse, changesState: boolean) =>
  unreadableAnswer(
    operation,
    response,
    changesState,
    `answer about another connection, HTTP ${response.status}`,
  );
