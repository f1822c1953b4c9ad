import { type ConnectionDefaults, parseConnectionCreated } from '../events/parse.ts';

/** What one incoming event is to the ingest endpoint. */
export type Classified =
  | {
      kind: 'connections';
      count: number;
      /** True when the event is an SMN notification (read at its top level, as SMN sends it). */
      viaSmn: boolean;
    }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Runs an event through the parser `createMonitor` uses, so that the endpoint queues exactly
 * what `createMonitor` will accept: a body announcing connections (a batch-create trace
 * announces several, and is still queued as one message), one announcing none (ignored), or
 * one that is not valid. The one place that knows the parser's result type.
 */
export const classifyEvent = (body: string, defaults: ConnectionDefaults): Classified => {
  const parsed = parseConnectionCreated(body, defaults);
  switch (parsed.kind) {
    case 'connections':
      return {
        kind: 'connections',
        count: parsed.events.length,
        viaSmn: parsed.events.some((event) => event.viaSmn),
      };
    case 'ignored':
      return { kind: 'ignored', reason: parsed.reason };
    case 'invalid':
      return { kind: 'invalid', reason: parsed.error.message };
  }
};
