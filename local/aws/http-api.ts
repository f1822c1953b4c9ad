import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { createLambdaContext, newLogStreamName } from './lambda-context.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';

/** A Lambda handler behind an HTTP API route (payload format 2.0). */
type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** One route: `POST /ingest/{token}`; a `{name}` segment becomes a path parameter. */
interface HttpApiRoute {
  method: string;
  path: string;
}

/** Options of {@link startHttpApi}. */
export interface HttpApiOptions {
  routes: readonly HttpApiRoute[];
  handler: HttpApiHandler;
  functionName: string;
  region: string;
  /** API Gateway's payload limit: a larger body is answered 413 before the function runs. */
  maxPayloadBytes?: number;
}

/** Counters of what the HTTP API answered, by status code. */
export interface HttpApiStats {
  requests: number;
  byStatus: Record<number, number>;
}

/** A running HTTP API stand-in. */
export interface LocalHttpApi {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  stats(): HttpApiStats;
  stop(): Promise<void>;
}

const API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript)|application\/[^;]*\+json)/i;

const matchRoute = (routes: readonly HttpApiRoute[], method: string, path: string) => {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === segment;
      if (segment === '') return false;
      try {
        parameters[name] = decodeURIComponent(segment);
      } catch {
        return false; // not valid percent-encoding: no route matches
      }
      return true;
    });
    if (matches) return { routeKey: `${route.method} ${route.path}`, parameters };
  }
  return undefined;
};

const readRaw = async (request: IncomingMessage, limit: number): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
};

const send = (
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
) => {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
};

/**
 * Serves a Lambda handler the way an API Gateway HTTP API does (payload format 2.0), on a free
 * loopback port: route matching with path parameters, headers lowercased and repeated ones
 * joined with `,`, binary bodies base64-encoded, `404 Not Found` for an unmatched route, and
 * the structured or plain-string result mapped back to HTTP. Nothing is logged: the path may
 * hold a token.
 */
export const startHttpApi = async (options: HttpApiOptions): Promise<LocalHttpApi> => {
  const stats: HttpApiStats = { requests: 0, byStatus: {} };
  const logStreamName = newLogStreamName();
  const apiId = randomUUID().replaceAll('-', '').slice(0, 10);
  const count = (status: number) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    stats.requests++;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const route = matchRoute(options.routes, method, url.pathname);
    if (route === undefined) {
      count(404);
      send(response, 404, { 'content-type': 'application/json' }, '{"message":"Not Found"}');
      return;
    }
    const raw = await readRaw(request, options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD);
    if (raw === undefined) {
      count(413);
      send(
        response,
        413,
        { 'content-type': 'application/json' },
        '{"message":"Request Entity Too Large"}',
      );
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const text = TEXT_TYPES.test(headers['content-type'] ?? '');
    const now = new Date();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(Object.keys(route.parameters).length > 0 ? { pathParameters: route.parameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId,
        domainName: headers.host ?? 'localhost',
        domainPrefix: apiId,
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      ...(raw.length > 0 ? { body: text ? raw.toString('utf8') : raw.toString('base64') } : {}),
      isBase64Encoded: raw.length > 0 && !text,
    };
    const context = createLambdaContext(
      {
        functionName: options.functionName,
        region: options.region,
        accountId: '000000000000',
        timeoutMs: 10_000,
        memoryLimitInMB: 256,
      },
      logStreamName,
    );
    let result: APIGatewayProxyResultV2;
    try {
      result = await options.handler(event, context);
    } catch {
      count(500);
      send(
        response,
        500,
        { 'content-type': 'application/json' },
        '{"message":"Internal Server Error"}',
      );
      return;
    }
    if (typeof result === 'string') {
      count(200);
      send(response, 200, { 'content-type': 'application/json' }, result);
      return;
    }
    const status = result.statusCode ?? 200;
    const resultHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {}))
      resultHeaders[name] = String(value);
    const body = result.body ?? '';
    count(status);
    send(
      response,
      status,
      resultHeaders,
      result.isBase64Encoded ? Buffer.from(body, 'base64') : body,
    );
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, {}, '');
    });
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    stats: () => ({ requests: stats.requests, byStatus: { ...stats.byStatus } }),
    stop: () => closeServer(server),
  };
};
