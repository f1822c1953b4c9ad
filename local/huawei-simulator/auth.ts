import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  canonicalRequest,
  computeSignature,
  formatSdkDate,
  type HuaweiCredentials,
  parseAuthorization,
} from '../../lib/huawei/signer.ts';
import { type ApiError, apiError, ERROR_CODES } from './errors.ts';
import type { LockoutTracker } from './lockout.ts';

/** A request as the gateway received it: the body is the exact bytes read from the socket. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The verdict on a request's AK/SK signature. */
type AuthResult = { ok: true; ak: string } | { ok: false; error: ApiError; locked: boolean };

/** Checks AK/SK signatures the way Huawei's API gateway does. */
export interface AuthVerifier {
  verify(request: ReceivedRequest): AuthResult;
  /** Replaces the accepted credentials (lock state per AK is kept). */
  setCredentials(credentials: readonly HuaweiCredentials[]): void;
}

/** Largest accepted distance between `X-Sdk-Date` and the simulator's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const PREFIX = 'Incorrect IAM authentication information: ';
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const failure = (message: string, locked = false) => ({
  ok: false as const,
  error: apiError(401, ERROR_CODES.authFailed, `${PREFIX}${message}`),
  locked,
});

/** `YYYYMMDDTHHMMSSZ` to epoch milliseconds; `undefined` unless it is a real UTC instant. */
export const parseSdkDate = (value: string): number | undefined => {
  const match = SDK_DATE.exec(value);
  if (match === null) return undefined;
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map(Number);
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 20260231 over into March: only a round trip proves the date exists.
  return formatSdkDate(new Date(time)) === value ? time : undefined;
};

const headerText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value;

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const describeCanonical = (
  request: ReceivedRequest,
  signedHeaders: readonly string[],
): { canonical: string } | { problem: string } => {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerText(request.headers[name]);
    if (value === undefined) return { problem: `signed header ${name} not found in the request` };
    headers[name] = value;
  }
  const contentSha = headerText(request.headers['x-sdk-content-sha256']);
  if (contentSha !== undefined) headers['x-sdk-content-sha256'] = contentSha;
  try {
    return {
      canonical: canonicalRequest(
        { method: request.method, url: request.url, headers, body: request.body },
        signedHeaders,
      ),
    };
  } catch {
    return { problem: 'the request path is not valid percent-encoding' };
  }
};

/**
 * Creates the verifier. Failures of a known AK count towards its lockout; unknown AKs are not
 * tracked. The SK never appears in any message.
 */
export const createAuthVerifier = (options: {
  credentials: readonly HuaweiCredentials[];
  now: () => number;
  lockout: LockoutTracker;
  /** Keys known elsewhere (the identity side's accounts and temporary credentials). */
  lookupKey?: (ak: string) => { credentials: HuaweiCredentials; expiresAt?: number } | undefined;
}): AuthVerifier => {
  const { now, lockout } = options;
  let keys = new Map<string, HuaweiCredentials>();
  const setCredentials = (credentials: readonly HuaweiCredentials[]): void => {
    keys = new Map(credentials.map((credential) => [credential.ak, { ...credential }]));
  };
  setCredentials(options.credentials);

  // Everything after the key lookup: returns the reason for refusing, or undefined.
  const check = (
    request: ReceivedRequest,
    credential: HuaweiCredentials,
    signedHeaders: readonly string[],
    signature: string,
  ): string | undefined => {
    const sdkDate = headerText(request.headers['x-sdk-date']);
    if (sdkDate === undefined) return 'x-sdk-date not found';
    const time = parseSdkDate(sdkDate);
    if (time === undefined) return `x-sdk-date ${sdkDate} is not a YYYYMMDDTHHMMSSZ UTC time`;
    if (!signedHeaders.includes('x-sdk-date')) return 'x-sdk-date is not signed';
    if (Math.abs(now() - time) > MAX_CLOCK_SKEW_MS) {
      return `x-sdk-date ${sdkDate} is more than 15 minutes away from server time ${formatSdkDate(new Date(now()))}`;
    }
    if (credential.securityToken !== undefined) {
      const token = headerText(request.headers['x-security-token']);
      if (token === undefined || !sameText(token, credential.securityToken)) {
        return 'x-security-token is missing or does not belong to the access key';
      }
      if (!signedHeaders.includes('x-security-token')) return 'x-security-token is not signed';
    }
    const contentSha = headerText(request.headers['x-sdk-content-sha256']);
    if (
      contentSha !== undefined &&
      contentSha !== UNSIGNED_PAYLOAD &&
      contentSha !== createHash('sha256').update(request.body).digest('hex')
    ) {
      return 'x-sdk-content-sha256 does not match the request body';
    }
    const described = describeCanonical(request, signedHeaders);
    if ('problem' in described) return described.problem;
    const expected = computeSignature(credential.sk, sdkDate, described.canonical);
    if (sameText(expected, signature)) return undefined;
    const echoed = described.canonical.replaceAll('\n', '|');
    return `verify aksk signature fail, ak:${credential.ak}, canonicalRequest:${echoed}`;
  };

  return {
    setCredentials,
    verify(request) {
      const header = headerText(request.headers.authorization);
      if (header === undefined) {
        return failure(
          request.headers['x-auth-token'] === undefined
            ? 'x-auth-token not found'
            : 'decrypt token fail',
        );
      }
      const parsed = parseAuthorization(header);
      if (parsed === undefined) {
        return failure(
          'Authorization is not "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..."',
        );
      }
      const signedHeaders = parsed.signedHeaders.map((name) => name.toLowerCase());
      const other = keys.has(parsed.access) ? undefined : options.lookupKey?.(parsed.access);
      const credential = keys.get(parsed.access) ?? other?.credentials;
      if (credential === undefined) {
        const described = describeCanonical(request, signedHeaders);
        const detail =
          'canonical' in described
            ? `canonicalRequest:${described.canonical.replaceAll('\n', '|')}`
            : described.problem;
        return failure(`access key ${parsed.access} not found, ${detail}`);
      }
      const lockedMs = lockout.lockedForMs(credential.ak);
      if (lockedMs > 0) {
        // Huawei's words for a locked key (API signing guide, "Common Errors Related to IAM
        // Authentication Information"): the same code as any other signature refusal.
        return failure('AK access failed to reach the limit,forbidden.', true);
      }
      if (other?.expiresAt !== undefined && now() >= other.expiresAt) {
        return failure(`the security token of access key ${credential.ak} has expired`);
      }
      const problem = check(request, credential, signedHeaders, parsed.signature);
      if (problem !== undefined) {
        lockout.recordFailure(credential.ak);
        return failure(problem);
      }
      lockout.recordSuccess(credential.ak);
      return { ok: true, ak: credential.ak };
    },
  };
};
