/**
 * The error answers the simulator gives. Codes documented by Huawei are used as documented; the
 * choices for cases Huawei does not document are listed in this folder's README.
 */
import { STATUS_CODES } from 'node:http';

/** An error answer: HTTP status, Huawei error code and message, and an optional `Retry-After`. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  retryAfter?: string;
}

/** How VPN service errors are shaped: `{error_code,error_msg,request_id}` or `{code,message}`. */
export type ErrorFormat = 'error-code' | 'code-message';

/**
 * How Cloud Eye's own errors are shaped: the three bodies its API reference shows
 * (docs/huawei-api.md, "Cloud Eye"), since which one its v1 batch query answers today is not
 * documented:
 * - `v2`: `{error_code, error_msg, request_id}` (the v2 APIs' example; the default);
 * - `v1`: `{http_code: "403", message: {details, code}}` (v1, the current edition's example);
 * - `v1-older`: `{code: 400, element, message, details: {details, code}}` (v1, older editions).
 */
export const CLOUD_EYE_ERROR_FORMATS = ['v2', 'v1', 'v1-older'] as const;
/** One of {@link CLOUD_EYE_ERROR_FORMATS}. */
export type CloudEyeErrorFormat = (typeof CLOUD_EYE_ERROR_FORMATS)[number];

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

/**
 * Cloud Eye's own errors by HTTP status, with their documented codes and messages (its API
 * reference, "Error Codes"); any other 4xx is `ces.0011`, any 5xx `ces.0007`.
 */
const CLOUD_EYE_ERRORS: Readonly<Record<number, { code: string; message: string }>> = {
  400: { code: 'ces.0014', message: 'Some content in message body is not correct.' },
  401: {
    code: 'ces.0015',
    message: 'Authentication fails or the authentication information is not provided.',
  },
  403: {
    code: 'ces.0017',
    message:
      'The authentication information is incorrect or the service invoker does not have sufficient rights.',
  },
  404: { code: 'ces.0016', message: 'The requested resource does not exist.' },
  500: { code: 'ces.0007', message: 'Internal service error.' },
};

/** Cloud Eye's code for a body it cannot take (`ces.0014`). */
export const CLOUD_EYE_BAD_BODY = 'ces.0014';

/** Builds an {@link ApiError}. */
export const apiError = (status: number, code: string, message: string): ApiError => ({
  status,
  code,
  message,
});

/** Errors of Huawei's API gateway itself: their body is the gateway's whatever the service. */
const isGatewayError = (error: ApiError): boolean => error.code.startsWith('APIGW.');

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
  format === 'code-message' && !isGatewayError(error)
    ? { code: error.code, message: error.message }
    : { error_code: error.code, error_msg: error.message, request_id: requestId };

/**
 * The JSON body of one of Cloud Eye's error answers in `format`. As for the VPN API, errors of
 * the gateway in front of it (`APIGW.*`: routing, signature, throttling) keep the gateway's
 * `{error_code,error_msg,request_id}` whatever the format.
 */
export const cloudEyeErrorBody = (
  error: ApiError,
  format: CloudEyeErrorFormat,
  requestId: string,
): Record<string, unknown> => {
  if (format === 'v2' || isGatewayError(error))
    return { error_code: error.code, error_msg: error.message, request_id: requestId };
  if (format === 'v1')
    return {
      http_code: String(error.status),
      message: { details: error.message, code: error.code },
    };
  return {
    code: error.status,
    element: STATUS_CODES[error.status] ?? 'Error',
    message: error.message,
    details: { details: error.message, code: error.code },
  };
};

/** The default error of a Cloud Eye status fault that names only a status. */
const defaultCloudEyeError = (status: number): { code: string; message: string } => {
  // Cloud Eye documents no 429 of its own: its throttling is the gateway's.
  if (status === 429)
    return {
      code: ERROR_CODES.gatewayThrottled,
      message: 'The throttling threshold has been reached',
    };
  return (
    CLOUD_EYE_ERRORS[Math.min(status, 500)] ?? {
      code: 'ces.0011',
      message: 'The request is invalid.',
    }
  );
};

/**
 * The default code and message for an injected status fault that names only a status: the
 * gateway's for backend failures, else the service's own (VPN or Cloud Eye; Cloud Eye's
 * throttling is the gateway's).
 */
export const defaultFaultError = (
  status: number,
  service: 'vpn' | 'cloud-eye' = 'vpn',
): { code: string; message: string } => {
  if (status === 502 || status === 503)
    return { code: ERROR_CODES.gatewayError, message: 'Backend unavailable' };
  if (status === 504) return { code: ERROR_CODES.gatewayError, message: 'Backend timeout' };
  if (service === 'cloud-eye') return defaultCloudEyeError(status);
  if (status === 429) return { code: ERROR_CODES.tooManyRequests, message: 'Too many requests' };
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
