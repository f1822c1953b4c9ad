import { z } from 'zod';
import { type CloudEyeErrorFormat, SimulatorUsageError } from './errors.ts';
import { createRateLimiter, type RateLimit, type RateLimiter } from './rate-limit.ts';
import { cloudEyeErrorFormatSchema } from './schemas.ts';

/** What a connection's monitor measures now; injected by tests and demos. */
export const connectionHealthSchema = z.strictObject({
  lossPercent: z.number().min(0).max(100).optional(),
  latencyMs: z.number().min(0).max(5000).optional(),
  /** `connection_status`: 0 not connected, 1 connected, 2 unknown. */
  status: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  /** Cloud Eye has no point at all for the connection. */
  noData: z.boolean().optional(),
});
/** See {@link connectionHealthSchema}. */
export type ConnectionHealth = z.infer<typeof connectionHealthSchema>;

/**
 * The Cloud Eye side of the simulator: injected health, its own rate limit, the shape of its
 * errors, calls counted.
 */
export interface CloudEyeState {
  /** Sets (or with `undefined` clears) what a connection's monitor reports. */
  setHealth(projectId: string, connectionId: string, health: ConnectionHealth | undefined): void;
  health(projectId: string, connectionId: string): ConnectionHealth;
  rateLimit: RateLimiter;
  /** How Cloud Eye's own errors are shaped now. */
  errorFormat(): CloudEyeErrorFormat;
  setErrorFormat(format: CloudEyeErrorFormat): void;
  /** Counts a query answered (with its metrics) or one refused by the rate limit. */
  count(outcome: 'answered' | 'throttled', metrics?: number): void;
  /** Batch queries answered 200, metrics asked for in them, and queries throttled. */
  stats(): { calls: number; metrics: number; throttled: number };
  /** Back to the start: healthy figures, the initial limit and error format, zeroed counts. */
  reset(): void;
}

/**
 * Builds the Cloud Eye state; `rateLimit` is Cloud Eye's own per-project limit, `errorFormat`
 * the shape of its errors (default `v2`).
 */
export const createCloudEyeState = (
  rateLimit: RateLimit | undefined,
  now: () => number,
  errorFormat: CloudEyeErrorFormat = 'v2',
): CloudEyeState => {
  const injected = new Map<string, ConnectionHealth>();
  const counts = { calls: 0, metrics: 0, throttled: 0 };
  const limiter = createRateLimiter(rateLimit, now);
  const initialFormat = cloudEyeErrorFormatSchema.parse(errorFormat);
  let format = initialFormat;
  return {
    setHealth(projectId, connectionId, health) {
      const key = `${projectId}/${connectionId}`;
      if (health === undefined) injected.delete(key);
      else {
        const parsed = connectionHealthSchema.safeParse(health);
        if (!parsed.success)
          throw new SimulatorUsageError(`Invalid health: ${parsed.error.message}`);
        injected.set(key, parsed.data);
      }
    },
    health: (projectId, connectionId) => injected.get(`${projectId}/${connectionId}`) ?? {},
    rateLimit: limiter,
    errorFormat: () => format,
    setErrorFormat(next) {
      format = cloudEyeErrorFormatSchema.parse(next);
    },
    count(outcome, metrics = 0) {
      if (outcome === 'throttled') counts.throttled += 1;
      else {
        counts.calls += 1;
        counts.metrics += metrics;
      }
    },
    stats: () => ({ ...counts }),
    reset() {
      injected.clear();
      counts.calls = 0;
      counts.metrics = 0;
      counts.throttled = 0;
      limiter.set(rateLimit);
      format = initialFormat;
    },
  };
};
