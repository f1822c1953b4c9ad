import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendBrokenAnswer } from './broken-answers.ts';
import { type ApiError, apiError, ERROR_CODES, errorBody } from './errors.ts';
import { dropConnection, readBody, sendError, sendJson } from './http.ts';
import type { LoggedRequest } from './request-log.ts';
import { matchRoute } from './routes.ts';
import type { SimulatorContext } from './simulator-state.ts';
import { connectionOf, handleOperation, parseCreateBody } from './vpn-api.ts';

// Only used to parse the request target; the host the client sent is read from its header.
const URL_BASE = 'http://127.0.0.1';

const API_NOT_FOUND = apiError(
  404,
  ERROR_CODES.apiNotFound,
  'The API does not exist or has not been published in the environment',
);
const BODY_TOO_LARGE = apiError(413, ERROR_CODES.gatewayError, 'Request body too large');

type Outcome = number | 'dropped';

const serve = async (
  context: SimulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  note: Partial<Pick<LoggedRequest, 'operation' | 'connectionId' | 'fault' | 'rateLimited'>>,
): Promise<Outcome> => {
  const { api, verifier, faults, stats, errorFormat } = context;
  const { store } = api;
  const fail = (error: ApiError): Outcome => {
    sendError(response, error, errorFormat, requestId);
    return error.status;
  };
  const bodyOf = (error: ApiError) => errorBody(error, errorFormat, requestId);
  const body = await readBody(request);
  const method = request.method ?? 'GET';
  let url: URL;
  try {
    url = new URL(URL_BASE + (request.url ?? '/'));
  } catch {
    return fail(API_NOT_FOUND);
  }
  const route = matchRoute(method, url.pathname);
  if (route === undefined) return fail(API_NOT_FOUND);
  note.operation = route.operation;
  if (body === undefined) return fail(BODY_TOO_LARGE);

  const auth = verifier.verify({ method, url, headers: request.headers, body });
  if (!auth.ok) {
    stats.authFailure(auth.locked);
    return fail(auth.error);
  }
  const headerProject = request.headers['x-project-id'];
  if (headerProject !== undefined && headerProject !== route.projectId) {
    return fail(
      apiError(
        400,
        ERROR_CODES.invalidRequest,
        `Invalid request: X-Project-Id ${headerProject} does not match project ${route.projectId} in the path`,
      ),
    );
  }
  if (!store.hasProject(route.projectId)) {
    return fail(apiError(403, ERROR_CODES.projectUnavailable, 'The project is unavailable'));
  }
  // A key of one account (or credentials issued for it) reaches only that account's projects.
  const keyDomain = context.identity.key(auth.ak)?.domainId;
  if (keyDomain !== undefined && context.identity.domainOfProject(route.projectId) !== keyDomain) {
    return fail(apiError(403, ERROR_CODES.projectUnavailable, 'The project is unavailable'));
  }

  if (!context.rateLimit.take(route.projectId)) {
    note.rateLimited = true;
    stats.rateLimited();
    return fail(
      apiError(429, ERROR_CODES.gatewayThrottled, 'The throttling threshold has been reached'),
    );
  }

  const input = route.operation === 'create' ? parseCreateBody(body) : undefined;
  note.connectionId = connectionOf(route, url, input, store);
  const fault = faults.next(
    route.operation,
    note.connectionId === undefined ? [] : [note.connectionId],
  );
  if (fault !== undefined) {
    stats.fault(fault.kind);
    note.fault = fault.kind === 'status' ? String(fault.error.status) : fault.kind;
  }
  if (fault?.kind === 'status') return fail(fault.error);
  if (fault?.kind === 'drop-before') {
    dropConnection(request);
    return 'dropped';
  }
  if (fault?.kind === 'answer' && fault.handled === false) {
    return sendBrokenAnswer(response, fault, undefined, bodyOf, requestId);
  }
  const wait = context.latency.ms + (fault?.kind === 'delay' ? fault.ms : 0);
  if (wait > 0) await context.sleep(wait);

  let result: ReturnType<typeof handleOperation>;
  try {
    result = handleOperation(api, { route, url, input, body, requestId });
  } catch (error) {
    // A simulator bug: say so loudly instead of looking like a network fault.
    const reason = error instanceof Error ? error.message : String(error);
    return fail(apiError(500, ERROR_CODES.serverError, `Simulator failure: ${reason}`));
  }
  if (route.operation === 'create' && result.status === 201) stats.created();
  if (fault?.kind === 'drop-after') {
    dropConnection(request);
    return 'dropped';
  }
  if (
    fault?.kind === 'garble' ||
    fault?.kind === 'answer' ||
    fault?.kind === 'another-connection'
  ) {
    return sendBrokenAnswer(response, fault, result, bodyOf, requestId);
  }
  if ('code' in result) return fail(result);
  sendJson(response, result.status, requestId, result.body);
  return result.status;
};

/**
 * Serves one Huawei VPN API request: route, signature, project, fault, operation, answer.
 * Counts it in the statistics whatever happens.
 */
export const handleApiRequest = (
  context: SimulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
): void => {
  const requestId = randomUUID();
  const startedAt = Date.now();
  const note: Parameters<typeof serve>[4] = {};
  const finish = (outcome: Outcome): void => {
    const operation = note.operation ?? 'unknown';
    context.stats.finish(operation, outcome);
    if (!context.requestLog.enabled) return;
    context.requestLog.add({
      operation,
      connectionId: note.connectionId,
      startedAt,
      endedAt: Date.now(),
      outcome,
      fault: note.fault,
      rateLimited: note.rateLimited ?? false,
    });
  };
  context.stats.begin();
  serve(context, request, response, requestId, note).then(finish, () => {
    // The client left mid-body, or the server is stopping: nothing sensible to answer.
    if (!response.headersSent) response.destroy();
    finish('dropped');
  });
};
