import type { z } from 'zod';
import type { ConnectionCreatedEvent } from './connection-events.ts';
import { type ApiError, apiError, ERROR_CODES } from './errors.ts';
import type { AnswerProfile } from './schemas.ts';
import type { SimulatorStore } from './store.ts';

/** A successful answer of the VPN service: status and body (`request_id` included). */
export interface ApiSuccess {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** What the operations read and call besides the store; the control surface changes `answers`. */
export interface VpnApiContext {
  store: SimulatorStore;
  answers: { profile: AnswerProfile; readyAfterMs: number };
  domainIds: Readonly<Record<string, string>>;
  connectionCreated: (event: ConnectionCreatedEvent) => void;
}

/** A 400 `VPN.0001` with the reason. */
export const invalid = (message: string): ApiError =>
  apiError(400, ERROR_CODES.invalidRequest, `Invalid request: ${message}`);

/** A 404 `VPN.0004` for `what`. */
export const notFound = (what: string): ApiError =>
  apiError(404, ERROR_CODES.notFound, `${what} not found`);

/** Parses a JSON body with `schema`: the value and the raw JSON, or a 400 saying what is wrong. */
export const parseJson = <T>(
  body: Buffer,
  schema: z.ZodType<T>,
): { value: T; json: unknown } | ApiError => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('the body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data, json };
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') || 'body';
  return invalid(`${where}: ${issue?.message ?? 'invalid'}`);
};
