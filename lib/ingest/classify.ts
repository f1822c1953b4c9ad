import { type ConnectionDefaults, parseConnectionCreated } from '../events/parse.ts';

/** What one incoming event is to the ingest endpoint. */
export type Classified =
  | { kind: 'connections'; count: number }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Runs an event through the parser `createMonitor` uses, so that the endpoint queues exactly
 * what `createMonitor` will accept. The one place that knows the parser's result type.
 */
export const classifyEvent = (body: string, defaults: ConnectionDefaults): Classified => {
  const parsed = parseConnectionCreated(body, defaults);
  return parsed.ok
    ? { kind: 'connections', count: 1 }
    : { kind: 'invalid', reason: parsed.error.message };
};
