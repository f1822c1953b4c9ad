/**
 * An HTTP request to the ingest endpoint, as `lib/ingest` reads it: whatever carried it (API
 * Gateway, a function URL, the local stack) is translated into this by the handler.
 */
export interface IngestRequest {
  method: string;
  /** Header names in lowercase; a repeated header joined with `,` as API Gateway does. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The token from the last path segment (`POST /ingest/{token}`), when the route has one. */
  pathToken: string | undefined;
  /** The body as received, already decoded from base64 when the carrier encoded it. */
  body: Buffer;
}

/** What the endpoint answers. */
export interface IngestResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The tokens a request presents: `Authorization: Bearer <token>` and the last path segment.
 * Either may be valid: Huawei EventGrid's webhook target can only send a URL, other senders
 * can send a header.
 */
export const presentedTokens = (request: IngestRequest): string[] => {
  const authorization = request.headers.authorization;
  const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  return [bearer, request.pathToken].filter((t): t is string => t !== undefined && t !== '');
};

/** The media type of a `Content-Type` header, lowercased, without its parameters. */
export const mediaType = (contentType: string | undefined): string | undefined => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? undefined : type;
};

/** A JSON answer. */
export const jsonResponse = (
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): IngestResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * The only answer a request without a valid token gets: the same for a missing, a wrong and an
 * expired token, so it tells a caller nothing.
 */
export const UNAUTHORIZED: IngestResponse = jsonResponse(
  401,
  { message: 'Unauthorized' },
  { 'www-authenticate': 'Bearer' },
);
