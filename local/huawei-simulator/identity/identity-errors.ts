import { type ApiError, apiError } from '../errors.ts';

/**
 * The codes the identity side answers with. Huawei documents none of these for STS v5's
 * refusals; they are the simulator's choices (see this folder's README), shaped like Huawei's
 * `{error_code,error_msg,request_id}`.
 */
export const IDENTITY_CODES = {
  invalidRequest: 'STS.0001',
  invalidToken: 'STS.0301',
  notTrusted: 'STS.0302',
  iamInvalidRequest: 'IAM.0001',
  iamNotTrusted: 'IAM.0302',
} as const;

/** 400: the body is not what the call takes. */
export const invalidRequest = (
  message: string,
  code: string = IDENTITY_CODES.invalidRequest,
): ApiError => apiError(400, code, `Invalid request: ${message}`);

/** 401: the OIDC id token failed verification. */
export const invalidToken = (message: string): ApiError =>
  apiError(401, IDENTITY_CODES.invalidToken, `The id_token is refused: ${message}`);

/** 403: the agency does not exist, or does not trust this caller. */
export const notTrusted = (message: string, code: string = IDENTITY_CODES.notTrusted): ApiError =>
  apiError(403, code, `Agency assumption refused: ${message}`);
