import { createHash, createHmac } from 'node:crypto';

/** Huawei Cloud's AK/SK signing algorithm name, as it appears in the `Authorization` header. */
export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** The credentials a request is signed with; `securityToken` is set for temporary keys. */
export interface HuaweiCredentials {
  ak: string;
  sk: string;
  securityToken?: string | undefined;
}

/** A request as it will be sent: header names in lowercase, the body as the exact bytes sent. */
export interface RequestToSign {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body: string | Uint8Array;
}

const hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 encoding with uppercase hex, as Huawei's signers do: only `A-Za-z0-9-_.~` kept. */
export const encodeRfc3986 = (value: string): string =>
  // Ids and path words are unreserved already: skip the encoding, which costs more than the test.
  UNRESERVED_ONLY.test(value)
    ? value
    : encodeURIComponent(value).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );

// Every request signed within the same second carries the same date: format it once.
let formattedSecond = Number.NaN;
let formattedDate = '';

/** Formats a time as `X-Sdk-Date` wants it: `YYYYMMDDTHHMMSSZ`, UTC. */
export const formatSdkDate = (date: Date): string => {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== formattedSecond) {
    formattedDate = date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    formattedSecond = second;
  }
  return formattedDate;
};

const decodeSegment = (segment: string): string => {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    // A stray `%` that starts no escape stands for itself.
    return segment;
  }
};

const canonicalUri = (url: URL): string => {
  const segments = url.pathname.split('/').map((segment) => encodeRfc3986(decodeSegment(segment)));
  const path = segments.join('/');
  // Huawei signs the path with a trailing slash even though it sends the request without one.
  return path.endsWith('/') ? path : `${path}/`;
};

const canonicalQuery = (url: URL): string => {
  const pairs: [string, string][] = [];
  for (const [key, value] of url.searchParams)
    pairs.push([encodeRfc3986(key), encodeRfc3986(value)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
};

/**
 * Builds the canonical request Huawei's gateway recomputes, signing exactly `signedHeaders`
 * (lowercase names, any order). A header that is to be signed but absent is an error.
 */
export const canonicalRequest = (
  request: RequestToSign,
  signedHeaders: readonly string[],
): string => {
  const names = [...signedHeaders].map((name) => name.toLowerCase()).sort();
  let headers = '';
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) throw new Error(`Cannot sign header "${name}": it is not set`);
    headers += `${name}:${value.trim()}\n`;
  }
  const bodyHash = request.headers['x-sdk-content-sha256'] ?? hex(request.body);
  return `${request.method.toUpperCase()}\n${canonicalUri(request.url)}\n${canonicalQuery(request.url)}\n${headers}\n${names.join(';')}\n${bodyHash}`;
};

/** The hex HMAC-SHA256 signature of a canonical request, made with the secret key. */
export const computeSignature = (sk: string, sdkDate: string, canonical: string): string =>
  createHmac('sha256', sk)
    .update(`${SIGNING_ALGORITHM}\n${sdkDate}\n${hex(canonical)}`)
    .digest('hex');

/**
 * Returns the `Authorization` header value for a request that already carries `x-sdk-date`
 * (and `x-security-token` for temporary credentials). By default every header present is signed.
 */
export const authorization = (
  request: RequestToSign,
  credentials: HuaweiCredentials,
  signedHeaders: readonly string[] = Object.keys(request.headers),
): string => {
  const sdkDate = request.headers['x-sdk-date'];
  if (sdkDate === undefined) throw new Error('Cannot sign a request without an x-sdk-date header');
  const names = [...signedHeaders].map((name) => name.toLowerCase()).sort();
  if (!names.includes('x-sdk-date')) throw new Error('x-sdk-date must be among the signed headers');
  const signature = computeSignature(credentials.sk, sdkDate, canonicalRequest(request, names));
  return `${SIGNING_ALGORITHM} Access=${credentials.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
};

/** Reads an `Authorization` header back into its parts; `undefined` when it is not one of ours. */
export const parseAuthorization = (header: string) => {
  const match =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { access: match[1], signedHeaders: match[2].split(';'), signature: match[3] };
};
