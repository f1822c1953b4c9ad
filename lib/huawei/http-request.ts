import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ProvisionerError } from '../errors.ts';
import { authorization, formatSdkDate, type HuaweiCredentials } from './signer.ts';

/** Idle keep-alive connections are closed after this long. */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * Keep-alive connection pools, one per scheme (each keeps a pool per host and port), of at most
 * `connectionsPerOrigin` connections to each host.
 */
export const createKeepAlivePools = (connectionsPerOrigin: number) => {
  const options = { keepAlive: true, maxSockets: connectionsPerOrigin, timeout: IDLE_TIMEOUT_MS };
  return { http: new HttpAgent(options), https: new HttpsAgent(options) };
};

/** The keep-alive pools a client sends through. */
export type KeepAlivePools = ReturnType<typeof createKeepAlivePools>;

/** The answer: status, headers (lowercase names), and the body decoded as UTF-8. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A header's value; of a repeated one, the first. */
export const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * The exchange took longer than its `timeoutMs`. `code` says whether the request can have left:
 * `CONNECT_TIMEOUT` (no connection yet, nothing sent) or `ATTEMPT_TIMEOUT` (it may have).
 */
export class HttpTimeoutError extends ProvisionerError {
  public override name = 'HttpTimeoutError';
  public readonly code: 'CONNECT_TIMEOUT' | 'ATTEMPT_TIMEOUT';

  public constructor(timeoutMs: number, connected: boolean) {
    super(
      connected
        ? `no complete answer within ${timeoutMs} ms`
        : `not connected within ${timeoutMs} ms`,
    );
    this.code = connected ? 'ATTEMPT_TIMEOUT' : 'CONNECT_TIMEOUT';
  }
}

/** One JSON request to a Huawei API: the URL's host answers it. */
export interface HuaweiHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query already encoded. */
  url: URL;
  /** The exact JSON to send; `undefined` sends no body (and signs an empty one). */
  body: string | undefined;
  /** Headers beyond the ones every call sends, e.g. `x-project-id`; they are signed too. */
  headers?: Readonly<Record<string, string>>;
  /** AK/SK to sign with; `undefined` sends the request unsigned (STS `assume-with-oidc`). */
  credentials: HuaweiCredentials | undefined;
  /** The `x-sdk-date` the signature covers. */
  date: Date;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Sends one Huawei API request on `pools` (the JSON content type, `host`, `x-sdk-date`, the
 * security token of temporary credentials and the AK/SK `authorization`) and reads the whole
 * answer. Rejects with the socket's error (`ECONNRESET`, `ECONNREFUSED`...), an
 * {@link HttpTimeoutError} when the whole exchange (connect, send, headers, body) outlasts
 * `timeoutMs`, or the signal's reason. A failed exchange destroys its connection, so the pool
 * never reuses a broken one.
 */
export const sendHuaweiRequest = (
  pools: KeepAlivePools,
  { method, url, body, headers: extra, credentials, date, timeoutMs, signal }: HuaweiHttpRequest,
): Promise<HttpAnswer> => {
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    host: url.host,
    ...extra,
    'x-sdk-date': formatSdkDate(date),
  };
  if (credentials !== undefined) {
    if (credentials.securityToken !== undefined)
      headers['x-security-token'] = credentials.securityToken;
    headers.authorization = authorization({ method, url, headers, body: body ?? '' }, credentials);
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = (secure ? httpsRequest : httpRequest)({
      protocol: url.protocol,
      // `[::1]` in a URL is `::1` to a socket.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      agent: secure ? pools.https : pools.http,
    });
    let settled = false;
    let connected = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (error: unknown): void => {
      if (!finish()) return;
      request.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(signal?.reason);
    const timer = setTimeout(() => fail(new HttpTimeoutError(timeoutMs, connected)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    request.once('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    request.on('error', fail);
    request.once('response', (response) => {
      response.setEncoding('utf8');
      let answer = '';
      response.on('data', (chunk: string) => {
        answer += chunk;
      });
      response.on('error', fail);
      response.once('end', () => {
        if (finish())
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: answer });
      });
    });
    request.end(body);
  });
};
