import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, type ErrorFormat, errorBody } from './errors.ts';

/** Request bodies above this size are refused (the API's bodies are a few dozen bytes). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the whole request body as the exact bytes received; `undefined` when it is larger than
 * {@link MAX_BODY_BYTES} (the rest is drained and dropped). Rejects when the client goes away.
 */
export const readBody = (request: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) resolve(undefined);
      else resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    });
    request.on('error', reject);
    // Settling twice is a no-op: this only matters when the client left before the end.
    request.on('close', () => reject(new Error('request closed before its body was read')));
  });

/** Sends a JSON answer (or an empty one for 204) with `X-Request-Id`. */
export const sendJson = (
  response: ServerResponse,
  status: number,
  requestId: string,
  body: unknown,
  retryAfter?: string,
): void => {
  if (response.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'X-Request-Id': requestId,
    'Content-Length': Buffer.byteLength(text),
  };
  if (text !== '') headers['Content-Type'] = 'application/json;charset=UTF-8';
  if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
  response.writeHead(status, headers);
  response.end(text);
};

/** Sends an error answer in the configured body format. */
export const sendError = (
  response: ServerResponse,
  error: ApiError,
  format: ErrorFormat,
  requestId: string,
): void => {
  sendJson(
    response,
    error.status,
    requestId,
    errorBody(error, format, requestId),
    error.retryAfter,
  );
};

/** Resets the TCP connection without answering: the client sees ECONNRESET. */
export const dropConnection = (request: IncomingMessage): void => {
  request.socket.resetAndDestroy();
};
