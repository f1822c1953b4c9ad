import { z } from 'zod';

/** The simulated API operations, as fault rules and statistics name them. */
const OPERATIONS = [
  'create',
  'list',
  'show',
  'delete',
  'listConnections',
  'showConnection',
] as const;

/** One of {@link OPERATIONS}. */
const operationSchema = z.enum(OPERATIONS);
/** A simulated API operation. */
export type Operation = z.infer<typeof operationSchema>;

/** The VPN connection states Huawei documents. */
const CONNECTION_STATUSES = [
  'ACTIVE',
  'DOWN',
  'ERROR',
  'PENDING_CREATE',
  'PENDING_UPDATE',
  'PENDING_DELETE',
] as const;

/** One of {@link CONNECTION_STATUSES}. */
export const connectionStatusSchema = z.enum(CONNECTION_STATUSES);
/** The status of a simulated VPN connection. */
export type VpnConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** Huawei project ids: 32 lowercase hex characters. */
const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;
/** VPN connection and monitor ids: 36 characters, letters and digits in 8-4-4-4-12 groups. */
const RESOURCE_ID_PATTERN =
  /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/;

/** A project id, validated. */
export const projectIdSchema = z
  .string()
  .regex(PROJECT_ID_PATTERN, 'a project id is 32 lowercase hex characters');

/** A VPN connection or monitor id, validated. */
export const resourceIdSchema = z
  .string()
  .regex(RESOURCE_ID_PATTERN, 'an id is 36 letters and digits in 8-4-4-4-12 groups');

/** A VPN connection to seed: only `id` is required; the rest is made up, stable per id. */
export const connectionSeedSchema = z.strictObject({
  id: resourceIdSchema,
  status: connectionStatusSchema.optional(),
  name: z.string().min(1).max(64).optional(),
  vgwId: resourceIdSchema.optional(),
});
/** A VPN connection to seed into a project. */
export type ConnectionSeed = z.infer<typeof connectionSeedSchema>;

/** One accepted AK/SK pair; `securityToken` makes it a temporary credential. */
const simulatorCredentialSchema = z.strictObject({
  ak: z.string().min(1),
  sk: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});

/** The full list of accepted credentials (replaces the previous list). */
export const simulatorCredentialsSchema = z.array(simulatorCredentialSchema);

// A header value must stay on one line of printable ASCII, or node:http refuses to send it.
const headerValue = z.string().regex(/^[\x20-\x7e]+$/, 'printable ASCII only');

const faultTarget = {
  /** Which operation the rule applies to; `any` (the default) matches every operation. */
  operation: z.enum([...OPERATIONS, 'any']).optional(),
  /** Only requests about this VPN connection (create body, list filter, the monitor's). */
  connectionId: z.string().min(1).optional(),
  /** How many matching requests the rule applies to before it is used up (default 1). */
  times: z.number().int().positive().optional(),
};

/**
 * A fault to inject into the next matching request(s):
 * - `status`: answer with this HTTP status and error (nothing is handled);
 * - `delay`: wait `ms`, then handle the request normally;
 * - `drop-before`: reset the connection without handling the request (nothing created);
 * - `drop-after`: handle the request fully (a monitor IS created), then reset the connection
 *   instead of answering.
 */
export const faultRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    /** Sent as `Retry-After`: delta-seconds, or an HTTP date string. */
    retryAfter: z.union([z.number().int().nonnegative(), headerValue]).optional(),
    ...faultTarget,
  }),
  z.strictObject({ kind: z.literal('delay'), ms: z.number().int().nonnegative(), ...faultTarget }),
  z.strictObject({ kind: z.literal('drop-before'), ...faultTarget }),
  z.strictObject({ kind: z.literal('drop-after'), ...faultTarget }),
]);
/** A fault rule, as passed to `injectFault` or `POST /__simulator/faults`. */
export type FaultRule = z.infer<typeof faultRuleSchema>;
/** What a fault does, without its matching fields. */
export type FaultKind = FaultRule['kind'];

/** The kinds random mode picks from. */
export const RANDOM_FAULT_KINDS = [
  'throttle',
  'server-error',
  'slow',
  'drop-before',
  'drop-after',
] as const;

/**
 * Random faults for soaks: each request (after authentication) draws from a PRNG seeded with
 * `seed`; with probability `rate` it gets one of `kinds`, picked uniformly.
 */
export const randomFaultsSchema = z.strictObject({
  rate: z.number().min(0).max(1),
  kinds: z.array(z.enum(RANDOM_FAULT_KINDS)).min(1),
  seed: z.number().int(),
  /** Operations that may get a fault (default: all). */
  operations: z.array(operationSchema).min(1).optional(),
  /** Longest delay of a `slow` fault, in milliseconds (default 200). */
  slowMs: z.number().int().positive().optional(),
  /** `Retry-After` seconds sent with `throttle` faults (default: none, like Huawei). */
  retryAfter: z.number().int().nonnegative().optional(),
});
/** Random fault settings. */
export type RandomFaults = z.infer<typeof randomFaultsSchema>;
