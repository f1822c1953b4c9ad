import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { connectionHealthSchema } from './cloud-eye-state.ts';
import { SimulatorUsageError } from './errors.ts';
import { readBody } from './http.ts';
import { generatedConnectionId } from './ids.ts';
import { rateLimitSchema } from './rate-limit.ts';
import {
  answerProfileChangeSchema,
  cloudEyeErrorFormatSchema,
  connectionSeedSchema,
  connectionStatusSchema,
  faultRuleSchema,
  projectIdSchema,
  randomFaultsSchema,
  readyAfterMsSchema,
  resourceIdSchema,
  simulatorCredentialsSchema,
} from './schemas.ts';
import type { VpnConnection } from './store.ts';
import type { HuaweiSimulatorControl } from './types.ts';

/** Path prefix of the control surface; Huawei's API has nothing under it. */
export const CONTROL_PREFIX = '/__simulator';

const addConnectionsSchema = z.union([
  connectionSeedSchema,
  z.strictObject({ count: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ connections: z.array(z.union([resourceIdSchema, connectionSeedSchema])) }),
]);

interface ControlAnswer {
  status: number;
  body?: unknown;
}

const OK_EMPTY: ControlAnswer = { status: 204 };

class NotFound extends Error {
  public constructor() {
    super('No such control route');
    this.name = 'NotFound';
  }
}

const parseJson = (body: Buffer): unknown => {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SimulatorUsageError('The body is not valid JSON');
  }
};

const addConnections = (
  control: HuaweiSimulatorControl,
  projectId: string,
  input: z.infer<typeof addConnectionsSchema>,
): ControlAnswer => {
  if ('count' in input) {
    control.addProject(projectId);
    const existing = new Set(control.connections(projectId).map((connection) => connection.id));
    const added: VpnConnection[] = [];
    for (let index = existing.size; added.length < input.count; index += 1) {
      const id = generatedConnectionId(projectId, index);
      if (!existing.has(id)) added.push(control.addConnection(projectId, id));
    }
    return { status: 201, body: { connections: added } };
  }
  const seeds = 'connections' in input ? input.connections : [input];
  const added = seeds.map((seed) => control.addConnection(projectId, seed));
  return { status: 201, body: { connections: added } };
};

const projectRoutes = (
  control: HuaweiSimulatorControl,
  method: string,
  parts: readonly string[],
  json: () => unknown,
  url: URL,
): ControlAnswer => {
  const projectId = projectIdSchema.parse(parts[1]);
  if (parts.length === 2 && method === 'POST') {
    control.addProject(projectId);
    return OK_EMPTY;
  }
  if (parts[2] !== 'connections') throw new NotFound();
  if (parts.length === 3) {
    if (method === 'GET') {
      return { status: 200, body: { connections: control.connections(projectId) } };
    }
    if (method === 'POST')
      return addConnections(control, projectId, addConnectionsSchema.parse(json()));
    throw new NotFound();
  }
  const id = parts[3] ?? '';
  // What the connection's monitor reports to Cloud Eye: PUT a degradation, DELETE to recover.
  if (parts.length === 5 && parts[4] === 'health') {
    if (method === 'PUT') {
      control.setConnectionHealth(projectId, id, connectionHealthSchema.parse(json()));
      return OK_EMPTY;
    }
    if (method === 'DELETE') {
      control.setConnectionHealth(projectId, id, undefined);
      return OK_EMPTY;
    }
    throw new NotFound();
  }
  if (parts.length === 4 && method === 'PATCH') {
    const { status } = z.strictObject({ status: connectionStatusSchema }).parse(json());
    return {
      status: 200,
      body: { connection: control.setConnectionStatus(projectId, id, status) },
    };
  }
  if (parts.length === 4 && method === 'DELETE') {
    const keepMonitor = url.searchParams.get('keep_monitor') === 'true';
    return control.removeConnection(projectId, id, { keepMonitor })
      ? OK_EMPTY
      : { status: 404, body: { error: `Unknown VPN connection ${id}` } };
  }
  throw new NotFound();
};

const route = (
  control: HuaweiSimulatorControl,
  method: string,
  url: URL,
  json: () => unknown,
): ControlAnswer => {
  const parts = url.pathname
    .slice(CONTROL_PREFIX.length + 1)
    .split('/')
    .map(decodeURIComponent);
  const path = parts.join('/');
  switch (`${method} ${path}`) {
    case 'GET health':
      return { status: 200, body: { status: 'ok' } };
    case 'GET stats':
      return { status: 200, body: control.stats() };
    case 'POST stats/reset':
      control.resetStats();
      return OK_EMPTY;
    case 'POST reset':
      control.reset();
      return OK_EMPTY;
    case 'GET monitors':
      return {
        status: 200,
        body: { monitors: control.monitors(url.searchParams.get('project_id') ?? undefined) },
      };
    case 'GET faults':
      return { status: 200, body: { faults: control.pendingFaults() } };
    case 'POST faults': {
      const input = json();
      const rules = z.array(faultRuleSchema).parse(Array.isArray(input) ? input : [input]);
      for (const rule of rules) control.injectFault(rule);
      return { status: 201, body: { pending: control.pendingFaults().length } };
    }
    case 'DELETE faults':
      control.clearFaults();
      return OK_EMPTY;
    case 'PUT random-faults':
      control.setRandomFaults(randomFaultsSchema.parse(json()));
      return OK_EMPTY;
    case 'DELETE random-faults':
      control.setRandomFaults(undefined);
      return OK_EMPTY;
    case 'PUT latency':
      control.setLatency(z.strictObject({ ms: z.number().int().nonnegative() }).parse(json()).ms);
      return OK_EMPTY;
    case 'PUT rate-limit':
      control.setRateLimit(rateLimitSchema.parse(json()));
      return OK_EMPTY;
    case 'DELETE rate-limit':
      control.setRateLimit(undefined);
      return OK_EMPTY;
    case 'PUT cloud-eye/rate-limit':
      control.setCloudEyeRateLimit(rateLimitSchema.parse(json()));
      return OK_EMPTY;
    case 'DELETE cloud-eye/rate-limit':
      control.setCloudEyeRateLimit(undefined);
      return OK_EMPTY;
    case 'PUT cloud-eye/error-format':
      control.setCloudEyeErrorFormat(
        z.strictObject({ format: cloudEyeErrorFormatSchema }).parse(json()).format,
      );
      return OK_EMPTY;
    case 'GET cloud-eye/stats':
      return { status: 200, body: control.cloudEyeStats() };
    case 'GET answer-profile':
      return { status: 200, body: { profile: control.setAnswerProfile({}) } };
    case 'PUT answer-profile':
      return {
        status: 200,
        body: { profile: control.setAnswerProfile(answerProfileChangeSchema.parse(json())) },
      };
    case 'PUT ready-after':
      control.setReadyAfter(z.strictObject({ ms: readyAfterMsSchema }).parse(json()).ms);
      return OK_EMPTY;
    case 'PUT credentials':
      control.setCredentials(simulatorCredentialsSchema.parse(json()));
      return OK_EMPTY;
    default:
      if (parts[0] === 'projects' && parts.length >= 2)
        return projectRoutes(control, method, parts, json, url);
      throw new NotFound();
  }
};

const describe = (error: unknown): ControlAnswer => {
  if (error instanceof NotFound) return { status: 404, body: { error: error.message } };
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.map(String).join('.') || 'body';
    return { status: 400, body: { error: `${where}: ${issue?.message ?? 'invalid'}` } };
  }
  if (error instanceof SimulatorUsageError || error instanceof URIError) {
    return { status: 400, body: { error: error.message } };
  }
  throw error;
};

/**
 * Serves `/__simulator/...`: JSON in and out, no signature. Lets a process configure and
 * inspect a simulator running in another process. The routes are listed in the README.
 */
export const handleControlRequest = (
  control: HuaweiSimulatorControl,
  request: IncomingMessage,
  response: ServerResponse,
): void => {
  const send = ({ status, body }: ControlAnswer): void => {
    if (response.destroyed) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(text) };
    if (text !== '') headers['Content-Type'] = 'application/json';
    response.writeHead(status, headers);
    response.end(text);
  };
  readBody(request).then(
    (body) => {
      if (body === undefined) return send({ status: 413, body: { error: 'Body too large' } });
      try {
        const url = new URL(`http://127.0.0.1${request.url ?? '/'}`);
        send(route(control, request.method ?? 'GET', url, () => parseJson(body)));
      } catch (error) {
        try {
          send(describe(error));
        } catch (unexpected) {
          const message = unexpected instanceof Error ? unexpected.message : String(unexpected);
          send({ status: 500, body: { error: message } });
        }
      }
    },
    () => response.destroy(),
  );
};
