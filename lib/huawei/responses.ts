import type { z } from 'zod';
import { HuaweiApiError, HuaweiNetworkError, ProvisionerError } from '../errors.ts';
import { errorBodySchema } from './schemas.ts';

/** An HTTP answer as the client read it: status, the headers it needs, the raw body. */
export interface RawResponse {
  status: number;
  requestIdHeader: string | undefined;
  retryAfterHeader: string | undefined;
  body: string;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` when absent or junk. */
export const parseRetryAfter = (
  value: string | undefined,
  now = Date.now(),
): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** Turns a non-success answer into a {@link HuaweiApiError}, from either documented body format. */
export const toHuaweiApiError = (operation: string, response: RawResponse): HuaweiApiError => {
  const parsed = errorBodySchema.safeParse(parseJson(response.body));
  const body = parsed.success ? parsed.data : {};
  return new HuaweiApiError(operation, {
    status: response.status,
    code: body.error_code ?? body.code,
    huaweiMessage: (body.error_msg ?? body.message)?.slice(0, 512),
    requestId: body.request_id ?? response.requestIdHeader,
    retryAfterMs: parseRetryAfter(response.retryAfterHeader),
  });
};

/** Parses a success body with its schema; a body that does not match is a server fault. */
export const parseSuccess = <S extends z.ZodType>(
  operation: string,
  schema: S,
  response: RawResponse,
): z.infer<S> => {
  const parsed = schema.safeParse(parseJson(response.body));
  if (!parsed.success) {
    throw new HuaweiApiError(operation, {
      status: response.status,
      code: undefined,
      huaweiMessage: `unexpected response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
      requestId: response.requestIdHeader,
    });
  }
  return parsed.data;
};

// Failures that happen before any byte of the request left: nothing can have been created.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
};

/** Classifies a failure below HTTP; `timedOut` says the per-attempt timeout fired. */
export const toNetworkError = (
  operation: string,
  error: unknown,
  timedOut: boolean,
): ProvisionerError => {
  if (error instanceof ProvisionerError) return error;
  const code = timedOut ? 'ATTEMPT_TIMEOUT' : errorCode(error);
  const ambiguous = code === undefined || !NOT_SENT_CODES.has(code);
  const reason = error instanceof Error ? error.message : String(error);
  return new HuaweiNetworkError(
    `Huawei VPN API ${operation} failed on the network (${code ?? 'unknown'}): ${reason}`,
    { cause: error, ambiguous, code },
  );
};
