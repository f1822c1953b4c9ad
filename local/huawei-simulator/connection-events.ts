import type { VpnConnection } from './store.ts';

/**
 * A VPN connection came into being in the simulator, the way a Cloud Trace Service trace sees
 * a `createVpnConnection`: the request as sent (pre-shared keys masked) and the answer. A
 * batch create fires one event per connection, all with the same `request` and `response`.
 */
export interface ConnectionCreatedEvent {
  projectId: string;
  /** The connection as it was created (a copy: later status changes do not show here). */
  connection: VpnConnection;
  /** The request body, or for the control surface the seed it was given. */
  request: Record<string, unknown>;
  /** The answer's body, or for the control surface `{vpn_connection}`. */
  response: Record<string, unknown>;
  /** How it was created: one API create, a batch create, or the control surface. */
  via: 'create' | 'batch-create' | 'control';
  /** The account of the project, when the simulator was told it (`domainIds`). */
  domainId?: string;
}

/** Called for every created connection, synchronously, before the answer is sent. */
export type ConnectionCreatedListener = (event: ConnectionCreatedEvent) => void;

/** The listeners of one simulator. */
export interface ConnectionEvents {
  /** Adds a listener; the returned function removes it. */
  on(listener: ConnectionCreatedListener): () => void;
  emit(event: ConnectionCreatedEvent): void;
}

/** Creates an empty listener set. A listener that throws fails loudly, outside the request. */
export const createConnectionEvents = (): ConnectionEvents => {
  const listeners = new Set<ConnectionCreatedListener>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(structuredClone(event));
        } catch (error) {
          // A broken listener is a test bug: surface it without turning the answer into a 500.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
};

const MASK = '******';

/** A copy of a create body with every `psk` masked: secrets never reach an event. */
export const maskSecrets = (body: unknown): Record<string, unknown> => {
  const mask = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mask);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === 'psk' ? MASK : mask(inner)]),
    );
  };
  const masked = mask(body);
  return masked !== null && typeof masked === 'object' && !Array.isArray(masked)
    ? (masked as Record<string, unknown>)
    : {};
};
