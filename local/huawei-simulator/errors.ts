/**
 * The error answers the simulator gives. Codes documented by Huawei are used as documented; the
 * choices for cases Huawei does not document are listed in this folder's README.
 */

/** An error answer: HTTP status, Huawei error code and message, and an optional `Retry-After`. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  retryAfter?: string;
}

/** How VPN service errors are shaped: `{error_code,error_msg,request_id}` or `{code,message}`. */
export type ErrorFormat = 'error-code' | 'code-message';

/** The error codes the simulator answers with. */
export const ERROR_CODES = {
  invalidRequest: 'VPN.0001',
  serverError: 'VPN.0002',
  accessDenied: 'VPN.0003',
  notFound: 'VPN.0004',
  connectionDeleting: 'VPN.0009',
  systemBusy: 'VPN.0014',
  notReady: 'VPN.0016',
  monitorExists: 'VPN.0381',
  tooManyRequests: 'VPN.0429',
  apiNotFound: 'APIGW.0101',
  /**
   * The gateway's own refusals and backend failures: a body too large, 502 backend unavailable,
   * 504 backend timeout (there is no `APIGW.0202`).
   */
  gatewayError: 'APIGW.0201',
  /** Every AK/SK refusal, a locked key included ("AK access failed to reach the limit,forbidden"). */
  authFailed: 'APIGW.0301',
  gatewayThrottled: 'APIGW.0308',
  projectUnavailable: 'APIGW.0310',
} as const;

/** Builds an {@link ApiError}. */
export const apiError = (status: number, code: string, message: string): ApiError => ({
  status,
  code,
  message,
});

/**
 * The JSON body of an error answer. Errors raised by the API gateway (`APIGW.*`: routing,
 * authentication, throttling) always use `error_code`/`error_msg`/`request_id`, as Huawei's
 * gateway does; `format` only changes errors of the VPN service itself.
 */
export const errorBody = (
  error: ApiError,
  format: ErrorFormat,
  requestId: string,
): Record<string, string> =>
  format === 'code-message' && !error.code.startsWith('APIGW.')
    ? { code: error.code, message: error.message }
    : { error_code: error.code, error_msg: error.message, request_id: requestId };

/** The default code and message for an injected status fault that names only a status. */
export const defaultFaultError = (status: number): { code: string; message: string } => {
  if (status === 429) return { code: ERROR_CODES.tooManyRequests, message: 'Too many requests' };
  if (status === 502 || status === 503)
    return { code: ERROR_CODES.gatewayError, message: 'Backend unavailable' };
  if (status === 504) return { code: ERROR_CODES.gatewayError, message: 'Backend timeout' };
  if (status >= 500) return { code: ERROR_CODES.serverError, message: 'Internal server error' };
  return { code: ERROR_CODES.invalidRequest, message: 'Invalid request' };
};

/** A control call the simulator cannot honour: unknown project or connection, bad settings. */
export class SimulatorUsageError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorUsageError';
  }
}
