import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Content type of the AWS JSON 1.1 protocol (EventBridge, among others). */
const AWS_JSON_1_1 = 'application/x-amz-json-1.1';

/** Reads the whole request body as UTF-8. */
export const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** Answers `status` with a JSON body and a fresh `x-amzn-RequestId`, as AWS does. */
export const sendJson = (response: ServerResponse, status: number, body: unknown): void => {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': AWS_JSON_1_1,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(payload);
};

/**
 * Answers an AWS JSON error: the type goes in both the `x-amzn-ErrorType` header and the
 * `__type` field, which is where the AWS SDK v3 looks for it.
 */
export const sendError = (
  response: ServerResponse,
  status: number,
  errorType: string,
  message: string,
): void => {
  response.setHeader('x-amzn-errortype', errorType);
  sendJson(response, status, { __type: errorType, message });
};
