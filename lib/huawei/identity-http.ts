import type * as z from '../zod.ts';
import { createKeepAlivePools, type HttpAnswer, sendHuaweiRequest } from './http-request.ts';
import { AccountCredentialsError } from './identity-errors.ts';
import { redactAnswerBody, redactAnswerHeader } from './redact-answer.ts';
import { toHuaweiApiError, toNetworkError } from './responses.ts';
import type { HuaweiCredentials } from './signer.ts';

/** A successful answer of an identity call. */
export type Answer = HttpAnswer;

/**
 * One identity call: `method` on `{base}{path}` with a JSON `body`, signed with `signer` when
 * there is one. `secrets` are redacted from a refusal's body and headers besides the signer's
 * own, raw and decoded.
 */
export interface IdentityRequest {
  base: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  signer: HuaweiCredentials | undefined;
  secrets?: readonly string[];
}

/**
 * The HTTP side of Huawei's identity calls: one JSON request, signed with AK/SK when a key is
 * given (STS `assume-with-oidc` is not), and its answer parsed with a schema. A refusal or an
 * unexpected body is an {@link AccountCredentialsError} naming the account, with every
 * credential and token it could echo redacted; a body is never quoted, as it holds credentials.
 */
export const createIdentityCaller = (options: { attemptTimeoutMs: number; now?: () => Date }) => {
  const pools = createKeepAlivePools(4);
  const now = options.now ?? (() => new Date());

  const call = async (
    account: string,
    what: string,
    { base, method, path, body, signer, secrets = [] }: IdentityRequest,
  ): Promise<Answer> => {
    const url = new URL(`${base}${path}`);
    let answer: HttpAnswer;
    try {
      answer = await sendHuaweiRequest(pools, {
        method,
        url,
        body: method === 'POST' ? (body === undefined ? '' : JSON.stringify(body)) : undefined,
        credentials: signer,
        date: now(),
        timeoutMs: options.attemptTimeoutMs,
      });
    } catch (error) {
      throw toNetworkError(`${what} for account ${account}`, error);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    // The same redaction as every VPN answer: raw and decoded, the header values too.
    const raw = toHuaweiApiError(what, {
      status: answer.status,
      requestIdHeader: redactAnswerHeader(
        headerText(answer.headers['x-request-id']),
        signer,
        secrets,
      ),
      retryAfterHeader: undefined,
      contentTypeHeader: redactAnswerHeader(
        headerText(answer.headers['content-type']),
        signer,
        secrets,
      ),
      body: redactAnswerBody(answer.body, signer, secrets),
    });
    throw new AccountCredentialsError(account, what, raw);
  };

  const parse = <S extends z.ZodMiniType>(
    account: string,
    what: string,
    schema: S,
    answer: Answer,
  ): z.infer<S> => {
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // The body holds credentials: only the shape problem is reported.
      throw new AccountCredentialsError(account, what, {
        status: answer.status,
        code: undefined,
        huaweiMessage: `unexpected response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
        requestId: headerText(answer.headers['x-request-id']),
      });
    }
    return parsed.data;
  };

  return {
    call,
    parse,
    close(): void {
      pools.http.destroy();
      pools.https.destroy();
    },
  };
};

const headerText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** An ISO time of an answer as epoch milliseconds; a refusal of the answer when it is not one. */
export const expiry = (account: string, what: string, value: string): number => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new AccountCredentialsError(account, what, {
      status: 200,
      code: undefined,
      huaweiMessage: `the credentials' expiry ${value} is not a time`,
      requestId: undefined,
    });
  }
  return time;
};
