import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ApiSuccess } from './api-common.ts';
import type { ApiError } from './errors.ts';
import type { AnswerFault } from './faults.ts';

/** What a broken gateway in front of the API sends instead of the API's JSON. */
const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Bad Gateway</title></head>' +
  '<body><h1>Bad Gateway</h1><p>The proxy could not read the answer.</p></body></html>';

const JSON_TYPE = 'application/json;charset=UTF-8';

/** The same answer about another VPN connection: its monitor, or a list of another's. */
const aboutAnotherConnection = (body: Record<string, unknown>): Record<string, unknown> => {
  const other = randomUUID();
  const monitor = body.connection_monitor;
  if (typeof monitor === 'object' && monitor !== null) {
    return { ...body, connection_monitor: { ...monitor, vpn_connection_id: other } };
  }
  if (Array.isArray(body.connection_monitors)) {
    return {
      ...body,
      connection_monitors: [
        { id: randomUUID(), vpn_connection_id: other, type: 'gateway', proto_type: 'icmp' },
      ],
    };
  }
  return body;
};

/**
 * Sends `fault`'s broken answer in place of `result` (the request was handled, unless an
 * `answer` fault says `handled: false`, in which case `result` is `undefined`). `errorBody`
 * is the body the service would have answered an error with (the VPN API's or Cloud Eye's
 * format). Returns the status sent, for the statistics.
 */
export const sendBrokenAnswer = (
  response: ServerResponse,
  fault: AnswerFault,
  result: ApiSuccess | ApiError | undefined,
  errorBody: (error: ApiError) => Record<string, unknown>,
  requestId: string,
): number => {
  const realBody =
    result === undefined ? undefined : 'code' in result ? errorBody(result) : result.body;
  let status = result?.status ?? 200;
  let text: string;
  let contentType = JSON_TYPE;
  switch (fault.kind) {
    case 'garble': {
      status = fault.status ?? status;
      const json = JSON.stringify(realBody ?? { request_id: requestId });
      text = fault.form === 'html' ? HTML_PAGE : json.slice(0, Math.floor(json.length / 2));
      if (fault.form === 'html') contentType = 'text/html;charset=UTF-8';
      break;
    }
    case 'answer':
      status = fault.status;
      text = fault.body;
      contentType = fault.contentType ?? JSON_TYPE;
      break;
    case 'another-connection':
      text = realBody === undefined ? '' : JSON.stringify(aboutAnotherConnection(realBody));
      break;
  }
  if (response.destroyed) return status;
  response.writeHead(status, {
    'X-Request-Id': requestId,
    'Content-Length': Buffer.byteLength(text),
    ...(text === '' ? {} : { 'Content-Type': contentType }),
  });
  response.end(text);
  return status;
};
