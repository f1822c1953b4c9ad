import { HuaweiApiError, HuaweiNetworkError, ProvisionerError } from '../errors.ts';
import type * as z from '../zod.ts';
import { HttpTimeoutError } from './http-request.ts';
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
const parseRetryAfter = (value: string | undefined, now = Date.now()): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/**
 * Replaces every occurrence of the access key, secret key and security token in `text`, so an
 * error body that echoes the request can be logged and dead-lettered safely.
 */
export const redactSecrets = (
  text: string,
  credentials: { ak: string; sk: string; securityToken?: string | undefined },
): string => {
  let redacted = text;
  for (const secret of [credentials.securityToken, credentials.sk, credentials.ak]) {
    if (secret) redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
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

/** What every success body of the VPN API may carry: its request id. */
export interface SuccessBody {
  request_id?: string | null | undefined;
}

/** The answers a call accepts: these statuses, with a body of this schema. */
export interface ExpectedAnswer<T extends SuccessBody> {
  status: readonly number[];
  schema: z.ZodMiniType<T>;
}

/** An accepted answer: its parsed body and its request id (the body's, else the header's). */
export interface Answer<T extends SuccessBody> {
  parsed: T;
  requestId: string | undefined;
}

/** Throws the {@link HuaweiApiError} of an answer whose status is not one of `status`. */
export const expectStatus = (
  operation: string,
  response: RawResponse,
  status: readonly number[],
): void => {
  if (!status.includes(response.status)) throw toHuaweiApiError(operation, response);
};

/**
 * Checks an answer against what the call accepts: another status is a {@link HuaweiApiError}
 * read from Huawei's error body; a body that does not match the schema is a server fault.
 */
export const expectAnswer = <T extends SuccessBody>(
  operation: string,
  response: RawResponse,
  expected: ExpectedAnswer<T>,
): Answer<T> => {
  expectStatus(operation, response, expected.status);
  const parsed = parseSuccess(operation, expected.schema, response);
  return { parsed, requestId: parsed.request_id ?? response.requestIdHeader };
};

/** Parses a success body with its schema; a body that does not match is a server fault. */
const parseSuccess = <S extends z.ZodMiniType>(
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
  'CONNECT_TIMEOUT',
]);

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
};

/**
 * Classifies a failure below HTTP by its code: the socket's (`ECONNRESET`...) or the per-attempt
 * timeout's (`CONNECT_TIMEOUT` when nothing was sent, `ATTEMPT_TIMEOUT` when it may have been).
 */
export const toNetworkError = (operation: string, error: unknown): ProvisionerError => {
  // Already sorted by what to do (a deadline, stopped calls); a timeout is classified here.
  if (error instanceof ProvisionerError && !(error instanceof HttpTimeoutError)) return error;
  const code = errorCode(error);
  const ambiguous = code === undefined || !NOT_SENT_CODES.has(code);
  const reason = error instanceof Error ? error.message : String(error);
  return new HuaweiNetworkError(
    `Huawei VPN API ${operation} failed on the network (${code ?? 'unknown'}): ${reason}`,
    { cause: error, ambiguous, code },
  );
};
