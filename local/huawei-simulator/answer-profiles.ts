import { type ApiError, apiError, ERROR_CODES } from './errors.ts';
import type { AnswerProfile } from './schemas.ts';

export type { AnswerProfile } from './schemas.ts';

/**
 * Named answer profiles. Together they use every value of every field, so a suite that runs
 * under each of them proves that its decisions hang on no single guess:
 * - `documented`: what this project first assumed (400 `VPN.0381`, 409, 404 `VPN.0004`); the default;
 * - `plain-400`: everything a 400 `VPN.0001`, told apart only by the message;
 * - `conflict`: an existing monitor and a busy connection both answer 409;
 * - `forbidden`: a busy connection answers 403 `VPN.0003`, the code of a missing permission.
 */
const DOCUMENTED: AnswerProfile = Object.freeze({
  alreadyExists: 'vpn-0381',
  notReady: 'conflict-409',
  notFound: 'not-found-404',
});

export const ANSWER_PROFILES: Readonly<Record<string, AnswerProfile>> = Object.freeze({
  documented: DOCUMENTED,
  'plain-400': {
    alreadyExists: 'vpn-0001',
    notReady: 'bad-request-400',
    notFound: 'bad-request-400',
  },
  conflict: { alreadyExists: 'conflict-409', notReady: 'conflict-409', notFound: 'not-found-404' },
  forbidden: { alreadyExists: 'vpn-0001', notReady: 'forbidden-403', notFound: 'bad-request-400' },
});

/** The profile a simulator starts with: today's answers, so existing suites keep their meaning. */
export const DEFAULT_ANSWER_PROFILE: AnswerProfile = DOCUMENTED;

/** The answer to a create for a connection that already has a monitor. */
export const alreadyExistsAnswer = (profile: AnswerProfile, connectionId: string): ApiError => {
  switch (profile.alreadyExists) {
    case 'vpn-0381':
      return apiError(
        400,
        ERROR_CODES.monitorExists,
        `VPN connection ${connectionId} already has connection monitor`,
      );
    case 'vpn-0001':
      return apiError(
        400,
        ERROR_CODES.invalidRequest,
        `Invalid request: a connection monitor for vpn connection ${connectionId} exists`,
      );
    case 'conflict-409':
      return apiError(
        409,
        ERROR_CODES.invalidRequest,
        `The connection monitor of VPN connection ${connectionId} already exists`,
      );
  }
};

/** The answer to a create for a connection that is `PENDING_CREATE` or `PENDING_UPDATE`. */
export const notReadyAnswer = (
  profile: AnswerProfile,
  connectionId: string,
  status: 'PENDING_CREATE' | 'PENDING_UPDATE',
): ApiError => {
  switch (profile.notReady) {
    case 'conflict-409':
      return apiError(
        409,
        ERROR_CODES.notReady,
        `VPN connection ${connectionId} is not ready, currently ${status}`,
      );
    case 'bad-request-400':
      return apiError(
        400,
        ERROR_CODES.invalidRequest,
        `The VPN connection status is ${status}, the operation is not allowed`,
      );
    case 'forbidden-403':
      return apiError(
        403,
        ERROR_CODES.accessDenied,
        `Access denied: VPN connection ${connectionId} in status ${status} cannot be operated`,
      );
  }
};

/** The answer to a create for a connection the project does not have (or not yet). */
export const notFoundAnswer = (profile: AnswerProfile, connectionId: string): ApiError =>
  profile.notFound === 'not-found-404'
    ? apiError(404, ERROR_CODES.notFound, `VPN connection ${connectionId} not found`)
    : apiError(
        400,
        ERROR_CODES.invalidRequest,
        `Invalid request: vpn_connection_id ${connectionId} is invalid`,
      );
