import {
  HuaweiApiError,
  type HuaweiErrorDetails,
  HuaweiNetworkError,
  HuaweiUnreadableAnswerError,
  ProvisionerError,
} from '../errors.ts';
import type * as z from '../zod.ts';
import { type HttpAnswer, HttpTimeoutError, headerValue } from './http-request.ts';
import { errorBodySchema } from './schemas.ts';
import type { HuaweiCredentials } from './signer.ts';

/** An HTTP answer as the client read it: status, the headers it needs, the raw body. */
export interface RawResponse {
  status: number;
  requestIdHeader: string | undefined;
  retryAfterHeader: string | undefined;
  /** `Content-Type`, named in the reason when the body cannot be read. */
  contentTypeHeader?: string | undefined;
  body: string;
}

/** The longest content type a reason repeats: a hostile gateway's header may be anything. */
const CONTENT_TYPE_CHARS = 64;

/** `unreadable answer, HTTP 200, text/html`: what was received, as a reason names it. */
const unreadableSeen = (response: RawResponse): string => {
  const type = response.contentTypeHeader?.split(';')[0]?.trim().slice(0, CONTENT_TYPE_CHARS);
  return `unreadable answer, HTTP ${response.status}, ${type ? type : 'no content type'}`;
};

/**
 * The error of an answer whose body could not be read. `mayHaveChangedState` (a create or a
 * delete): it may have gone through whatever the status said; the caller asks Huawei's state.
 */
export const unreadableAnswer = (
  operation: string,
  response: RawResponse,
  mayHaveChangedState: boolean,
  seen = unreadableSeen(response),
): HuaweiUnreadableAnswerError =>
  new HuaweiUnreadableAnswerError(operation, {
    status: response.status,
    requestId: response.requestIdHeader,
    retryAfterMs: parseRetryAfter(response.retryAfterHeader),
    seen,
    mayHaveChangedState,
  });

/** A JSON text's value; `undefined` when it is not JSON. */
export const parseJson = (text: string): unknown => {
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

/** A run of a secret this long is taken for the secret, wherever it starts or ends. */
export const SECRET_RUN_LENGTH = 16;

/**
 * Whether `text` may hold `secret` or a run of 16 of it: when not, it surely does not. A run of
 * 16 starting at offset `s` covers the 8-aligned block of 8 at the next multiple of 8 (at most
 * `s + 7`, ending by `s + 15`), so a text without such a block holds no run: the native search
 * settles nearly every answer at once.
 */
const mayHold = (text: string, secret: string): boolean => {
  if (secret.length < SECRET_RUN_LENGTH) return text.includes(secret);
  const block = SECRET_RUN_LENGTH / 2;
  for (let at = 0; at + block <= secret.length; at += block) {
    if (text.includes(secret.slice(at, at + block))) return true;
  }
  return false;
};

/** Marks every position of `text` inside a run of 16 characters of `secret` (or all of a shorter one). */
const markRuns = (text: string, secret: string, marked: Uint8Array): void => {
  const length = Math.min(SECRET_RUN_LENGTH, secret.length);
  const windows = new Set<string>();
  for (let i = 0; i + length <= secret.length; i++) windows.add(secret.slice(i, i + length));
  for (let i = 0; i + length <= text.length; i++) {
    if (windows.has(text.slice(i, i + length))) marked.fill(1, i, i + length);
  }
};

/**
 * Replaces the access key, secret key and security token in `text`, and any run of 16 or
 * more characters of one of them (a truncated or partial echo), so an error body that echoes
 * the request can be logged and dead-lettered safely.
 */
export const redactSecrets = (
  text: string,
  credentials: { ak: string; sk: string; securityToken?: string | undefined },
): string => {
  const secrets = [credentials.securityToken, credentials.sk, credentials.ak].filter(
    (secret): secret is string => secret !== undefined && secret !== '' && mayHold(text, secret),
  );
  // Every answer is redacted: the common one, holding no secret, costs a few native searches.
  if (secrets.length === 0) return text;
  const marked = new Uint8Array(text.length);
  for (const secret of secrets) markRuns(text, secret, marked);
  if (!marked.includes(1)) return text;
  let redacted = '';
  for (let i = 0; i < text.length; i++) {
    if (marked[i] === 0) redacted += text[i];
    else if (i === 0 || marked[i - 1] === 0) redacted += '[redacted]';
  }
  return redacted;
};

/**
 * Turns a non-success answer into a {@link HuaweiApiError}, from either documented body format.
 * A body that is there but is no JSON error body (an HTML page, truncated JSON) is a
 * {@link HuaweiUnreadableAnswerError}: its status is known, Huawei's word is not. An empty
 * body leaves the status alone to speak.
 */
export const toHuaweiApiError = (
  operation: string,
  response: RawResponse,
  mayHaveChangedState = false,
): HuaweiApiError => {
  const parsed = errorBodySchema.safeParse(parseJson(response.body));
  if (!parsed.success && response.body.trim() !== '') {
    return unreadableAnswer(operation, response, mayHaveChangedState);
  }
  const body = parsed.success ? parsed.data : {};
  return new HuaweiApiError(operation, {
    status: response.status,
    code: body.error_code ?? body.code,
    huaweiMessage: (body.error_msg ?? body.message)?.slice(0, 512),
    requestId: body.request_id ?? response.requestIdHeader,
    retryAfterMs: parseRetryAfter(response.retryAfterHeader),
  });
};

/** The answers a call accepts: these statuses, with a body of this schema (its request id read too). */
export interface ExpectedAnswer<T extends { request_id?: string | null | undefined }> {
  status: readonly number[];
  schema: z.ZodMiniType<T>;
  /** The call can change Huawei's state (a create): an unreadable answer may hide a success. */
  changesState?: boolean | undefined;
}

/** Throws the {@link HuaweiApiError} of an answer whose status is not one of `status`. */
export const expectStatus = (
  operation: string,
  response: RawResponse,
  status: readonly number[],
  changesState = false,
): void => {
  if (!status.includes(response.status)) {
    throw toHuaweiApiError(operation, response, changesState);
  }
};

/**
 * Checks an answer against what the call accepts: another status is a {@link HuaweiApiError}
 * read from Huawei's error body; a body that is not JSON or does not match the schema is a
 * {@link HuaweiUnreadableAnswerError}. The request id is the body's, else the header's.
 */
export const expectAnswer = <T extends { request_id?: string | null | undefined }>(
  operation: string,
  response: RawResponse,
  { status, schema, changesState = false }: ExpectedAnswer<T>,
): { parsed: T; requestId: string | undefined } => {
  expectStatus(operation, response, status, changesState);
  const parsed = schema.safeParse(parseJson(response.body));
  if (!parsed.success) throw unreadableAnswer(operation, response, changesState);
  return { parsed: parsed.data, requestId: parsed.data.request_id ?? response.requestIdHeader };
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
    `Huawei ${operation} failed on the network (${code ?? 'unknown'}): ${reason}`,
    { cause: error, ambiguous, code },
  );
};

/** The secrets a call was signed with, as {@link redactSecrets} takes them. */
type Secrets = Pick<HuaweiCredentials, 'ak' | 'sk' | 'securityToken'>;

/**
 * `text` without the signer's secrets (and any run of 16 of them) nor the `others` (tokens an
 * identity call sent or may echo, replaced where they appear whole).
 */
const redactText = (
  text: string,
  secrets: Secrets | undefined,
  others: readonly string[],
): string => {
  let redacted = secrets ? redactSecrets(text, secrets) : text;
  for (const secret of others) {
    if (secret !== '' && redacted.includes(secret))
      redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
};

/** Every string of a decoded JSON value redacted, object keys included. */
const redactDecoded = (value: unknown, redact: (text: string) => string): unknown => {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDecoded(item, redact));
  if (typeof value !== 'object' || value === null) return value;
  const redacted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // `__proto__` as an own key is kept as data, never as the prototype.
    Object.defineProperty(redacted, redact(key), {
      value: redactDecoded(item, redact),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return redacted;
};

/**
 * An answer's body with the call's secrets taken out, whatever its status and whichever Huawei
 * API answered (VPN or identity): Huawei's `APIGW.0301` echoes the canonical request (security
 * token included), and a gateway or a proxy may echo anything, at any status. `secrets` are
 * the signer's (none for an unsigned call), `others` the tokens a call sent besides. The raw
 * text is redacted, and so is the text JSON decodes it to: a secret written with escapes (`\/`,
 * `\u0041`) is whole again only once decoded. A JSON body that held escapes comes back
 * re-encoded from its redacted decoding.
 */
export const redactAnswerBody = (
  body: string,
  secrets: Secrets | undefined,
  others: readonly string[] = [],
): string => {
  const redact = (text: string) => redactText(text, secrets, others);
  // Without a backslash the decoded strings are the raw text's own: the raw pass covers them.
  // Not JSON: nothing is read from it but its status (`unreadableAnswer`).
  const decoded = body.includes('\\') ? parseJson(body) : undefined;
  if (decoded === undefined) return redact(body);
  // Decoded first, so an escaped secret is replaced whole; the raw pass then covers the rest.
  return redact(JSON.stringify(redactDecoded(decoded, redact)));
};

/**
 * An answer as a caller reads it, its body and the header values it quotes redacted by
 * {@link redactAnswerBody}: whatever its status, since a gateway may echo at any.
 */
export const redactedAnswer = (
  answer: HttpAnswer,
  secrets: Secrets | undefined,
  others: readonly string[] = [],
): RawResponse => {
  const header = (name: string) => {
    const value = headerValue(answer.headers[name]);
    return value === undefined ? undefined : redactText(value, secrets, others);
  };
  return {
    status: answer.status,
    requestIdHeader: header('x-request-id'),
    retryAfterHeader: headerValue(answer.headers['retry-after']),
    contentTypeHeader: header('content-type'),
    body: redactAnswerBody(answer.body, secrets, others),
  };
};

/**
 * Huawei STS or IAM refused to hand out an account's credentials (an agency that does not trust
 * the caller, a web identity token it does not accept) or answered with an error. It is a
 * {@link HuaweiApiError}, so the retry policy treats a 401/403 as refused credentials: that
 * account's calls stop, the others carry on. The message names the account and what to fix.
 */
export class AccountCredentialsError extends HuaweiApiError {
  public override name = 'AccountCredentialsError';
  public readonly account: string;

  public constructor(account: string, what: string, details: HuaweiErrorDetails) {
    super(what, details);
    this.account = account;
    // The base's message (`Huawei <what> failed with HTTP ...`), naming the account and the fix.
    this.message =
      `Account ${account}: ${this.message}` +
      `${details.status === 401 || details.status === 403 ? '; check the agency, its trust policy and the OIDC provider in that account (README: keyless setup)' : ''}`;
  }
}
