import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, apiError, ERROR_CODES } from '../errors.ts';
import { readBody, sendError, sendJson } from '../http.ts';
import type { SimulatorContext } from '../simulator-state.ts';
import { createSecurityToken, listAuthProjects } from './iam-api.ts';
import { assumeAgency, assumeAgencyWithOidc, type IdentityAnswer } from './sts-api.ts';

/** The identity calls the simulator serves, by `METHOD path`. */
const IDENTITY_ROUTES = {
  'POST /v5/agencies/assume': 'assume',
  'POST /v5/agencies/assume-with-oidc': 'assumeWithOidc',
  'POST /v3.0/OS-CREDENTIAL/securitytokens': 'securityTokens',
  'GET /v3/auth/projects': 'authProjects',
} as const;

const PATHS = new Set(Object.keys(IDENTITY_ROUTES).map((key) => key.split(' ')[1]));

/** Whether a request target is one of Huawei STS's or IAM's (and not the VPN API's). */
export const isIdentityPath = (target: string): boolean => PATHS.has(target.split('?')[0] ?? '');

const NOT_FOUND = apiError(
  404,
  ERROR_CODES.apiNotFound,
  'The API does not exist or has not been published in the environment',
);

const serve = async (
  context: SimulatorContext,
  request: IncomingMessage,
  baseUrl: string,
): Promise<IdentityAnswer> => {
  const { identity, oidc, verifier } = context;
  const body = await readBody(request);
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', baseUrl);
  const route = IDENTITY_ROUTES[`${method} ${url.pathname}` as keyof typeof IDENTITY_ROUTES];
  if (route === undefined) return NOT_FOUND;
  if (body === undefined) return apiError(413, ERROR_CODES.gatewayError, 'Request body too large');
  // The OIDC exchange is the one unsigned call: the id token is the proof.
  if (route === 'assumeWithOidc') return assumeAgencyWithOidc(identity, oidc, body);

  const auth = verifier.verify({ method, url, headers: request.headers, body });
  if (!auth.ok) {
    context.stats.authFailure(auth.locked);
    return auth.error;
  }
  const key = identity.key(auth.ak);
  const caller = { domainId: key?.domainId, temporary: key?.expiresAt !== undefined };
  if (route === 'assume') return assumeAgency(identity, caller, body);
  if (route === 'securityTokens') return createSecurityToken(identity, caller, body);
  return listAuthProjects(identity, caller, baseUrl);
};

/** Serves one Huawei STS v5 or IAM request (see {@link isIdentityPath}). */
export const handleIdentityRequest = (
  context: SimulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
  baseUrl: string,
): void => {
  const requestId = randomUUID();
  serve(context, request, baseUrl).then(
    (answer) => {
      if ('code' in answer) sendError(response, answer satisfies ApiError, 'error-code', requestId);
      else sendJson(response, answer.status, requestId, answer.body);
    },
    () => {
      if (!response.headersSent) response.destroy();
    },
  );
};
