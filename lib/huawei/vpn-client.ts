import { Agent, type Dispatcher, request } from 'undici';
import { DeadlineExceededError, HuaweiApiError } from '../errors.ts';
import type { CredentialsProvider } from './credentials.ts';
import { parseSuccess, type RawResponse, toHuaweiApiError, toNetworkError } from './responses.ts';
import {
  type ConnectionMonitor,
  createMonitorResponseSchema,
  listMonitorsResponseSchema,
  showMonitorResponseSchema,
} from './schemas.ts';
import { authorization, encodeRfc3986, formatSdkDate } from './signer.ts';

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

/** Per-call options: the caller's abort signal (the Lambda is about to time out). */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** How the client is built; one instance per container. */
export interface VpnClientOptions {
  endpoint: (region: string) => string;
  credentials: CredentialsProvider;
  /** Each HTTP attempt is cut off after this long (connect, headers and body). */
  attemptTimeoutMs: number;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin?: number;
  dispatcher?: Dispatcher;
  now?: () => Date;
}

/**
 * The Huawei Cloud VPN API, connection-monitor calls only, signed with AK/SK. One undici
 * agent keeps a keep-alive pool per regional endpoint. Every failure becomes a typed error
 * (`HuaweiApiError`, `HuaweiNetworkError`, `DeadlineExceededError`); retrying is the caller's.
 */
export class HuaweiVpnClient {
  readonly #options: VpnClientOptions;
  readonly #dispatcher: Dispatcher;

  public constructor(options: VpnClientOptions) {
    this.#options = options;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connectionsPerOrigin ?? 16,
        keepAliveTimeout: 30_000,
        connect: { timeout: options.attemptTimeoutMs },
        headersTimeout: options.attemptTimeoutMs,
        bodyTimeout: options.attemptTimeoutMs,
      });
  }

  /** `POST /v5/{project_id}/connection-monitors`: creates the monitor (201). */
  public async createMonitor(
    target: VpnTarget,
    vpnConnectionId: string,
    options: CallOptions = {},
  ): Promise<MonitorAnswer> {
    const body = JSON.stringify({ connection_monitor: { vpn_connection_id: vpnConnectionId } });
    const response = await this.#send('create', 'POST', target, [], undefined, body, options);
    if (response.status !== 201 && response.status !== 200)
      throw toHuaweiApiError('create', response);
    const parsed = parseSuccess('create', createMonitorResponseSchema, response);
    return {
      monitor: parsed.connection_monitor,
      requestId: parsed.request_id ?? response.requestIdHeader,
    };
  }

  /** `GET /v5/{project_id}/connection-monitors?vpn_connection_id=`: the connection's monitors. */
  public async listMonitors(
    target: VpnTarget,
    vpnConnectionId: string | undefined,
    options: CallOptions = {},
  ): Promise<{ monitors: ConnectionMonitor[]; requestId: string | undefined }> {
    const query =
      vpnConnectionId === undefined ? undefined : { vpn_connection_id: vpnConnectionId };
    const response = await this.#send('list', 'GET', target, [], query, '', options);
    if (response.status !== 200) throw toHuaweiApiError('list', response);
    const parsed = parseSuccess('list', listMonitorsResponseSchema, response);
    return {
      monitors: parsed.connection_monitors,
      requestId: parsed.request_id ?? response.requestIdHeader,
    };
  }

  /** `GET /v5/{project_id}/connection-monitors/{id}`: one monitor, with its status. */
  public async showMonitor(
    target: VpnTarget,
    monitorId: string,
    options: CallOptions = {},
  ): Promise<MonitorAnswer> {
    const response = await this.#send('show', 'GET', target, [monitorId], undefined, '', options);
    if (response.status !== 200) throw toHuaweiApiError('show', response);
    const parsed = parseSuccess('show', showMonitorResponseSchema, response);
    return {
      monitor: parsed.connection_monitor,
      requestId: parsed.request_id ?? response.requestIdHeader,
    };
  }

  /** `DELETE /v5/{project_id}/connection-monitors/{id}`: answers 204 with no body. */
  public async deleteMonitor(
    target: VpnTarget,
    monitorId: string,
    options: CallOptions = {},
  ): Promise<{ requestId: string | undefined }> {
    const response = await this.#send(
      'delete',
      'DELETE',
      target,
      [monitorId],
      undefined,
      '',
      options,
    );
    if (response.status !== 204 && response.status !== 200)
      throw toHuaweiApiError('delete', response);
    return { requestId: response.requestIdHeader };
  }

  /** Closes the keep-alive connections (tests and local runs; Lambda just freezes). */
  public async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async #send(
    operation: string,
    method: 'GET' | 'POST' | 'DELETE',
    target: VpnTarget,
    extraSegments: string[],
    query: Record<string, string> | undefined,
    body: string,
    options: CallOptions,
  ): Promise<RawResponse> {
    if (options.signal?.aborted) {
      throw new DeadlineExceededError(
        `Huawei VPN API ${operation} not attempted: the invocation is ending`,
      );
    }
    const segments = ['v5', target.projectId, 'connection-monitors', ...extraSegments];
    const url = new URL(
      `${this.#options.endpoint(target.region)}/${segments.map(encodeRfc3986).join('/')}`,
    );
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.append(key, value);

    const credentials = await this.#options.credentials.get();
    const headers: Record<string, string> = {
      'content-type': 'application/json;charset=UTF-8',
      host: url.host,
      'x-project-id': target.projectId,
      'x-sdk-date': formatSdkDate(this.#options.now?.() ?? new Date()),
    };
    if (credentials.securityToken !== undefined)
      headers['x-security-token'] = credentials.securityToken;
    headers.authorization = authorization({ method, url, headers, body }, credentials);

    const timeout = AbortSignal.timeout(this.#options.attemptTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await request(url, {
        method,
        headers,
        body: method === 'GET' || method === 'DELETE' ? null : body,
        dispatcher: this.#dispatcher,
        signal,
      });
      const text = await response.body.text();
      return {
        status: response.statusCode,
        requestIdHeader: headerValue(response.headers['x-request-id']),
        retryAfterHeader: headerValue(response.headers['retry-after']),
        body: text,
      };
    } catch (error) {
      if (options.signal?.aborted) {
        throw new DeadlineExceededError(
          `Huawei VPN API ${operation} cut short: the invocation is ending; the outcome is unknown`,
          { cause: error },
        );
      }
      if (error instanceof HuaweiApiError) throw error;
      throw toNetworkError(operation, error, timeout.aborted);
    }
  }
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
