import { z } from 'zod';
import { CLOUD_EYE_ERROR_FORMATS } from './errors.ts';

/** The simulated VPN API operations, as fault rules and statistics name them. */
const VPN_OPERATIONS = [
  'create',
  'list',
  'show',
  'delete',
  'listConnections',
  'showConnection',
  'createConnection',
  'batchCreateConnections',
] as const;

/** Cloud Eye's batch metric query: faults name it; `any` and random mode leave it alone. */
export const CLOUD_EYE_OPERATION = 'batchQueryMetricData';

/** The simulated API operations: the VPN API's and Cloud Eye's. */
const OPERATIONS = [...VPN_OPERATIONS, CLOUD_EYE_OPERATION] as const;

/** One of {@link OPERATIONS}. */
const operationSchema = z.enum(OPERATIONS);
/** A simulated API operation. */
export type Operation = z.infer<typeof operationSchema>;

/** How Cloud Eye's own errors are shaped (see `CLOUD_EYE_ERROR_FORMATS`). */
export const cloudEyeErrorFormatSchema = z.enum(CLOUD_EYE_ERROR_FORMATS);

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

/** Milliseconds a new connection stays `PENDING_CREATE` before it turns `ACTIVE`. */
export const readyAfterMsSchema = z.number().int().nonnegative().max(86_400_000);

/**
 * A VPN connection to seed: only `id` is required; the rest is made up, stable per id. With
 * `readyAfterMs` it starts `PENDING_CREATE` (unless `status` says otherwise) and turns `ACTIVE`
 * that many milliseconds later on the simulator's clock.
 */
export const connectionSeedSchema = z.strictObject({
  id: resourceIdSchema,
  status: connectionStatusSchema.optional(),
  name: z.string().min(1).max(64).optional(),
  vgwId: resourceIdSchema.optional(),
  readyAfterMs: readyAfterMsSchema.optional(),
});
/** A VPN connection to seed into a project. */
export type ConnectionSeed = z.infer<typeof connectionSeedSchema>;

/**
 * One connection of `POST /v5/{project_id}/vpn-connection` (`vpn_connection`) or of
 * `.../vpn-connections/batch-create` (`vpn_connections[]`), after the Go SDK's
 * `CreateVpnConnectionRequestBodyContent`: `vgw_id`, `vgw_ip` and `cgw_id` are required. Fields
 * the simulator does not model (IKE and IPsec policies, tags...) are accepted and dropped.
 */
export const vpnConnectionInputSchema = z.object({
  vgw_id: resourceIdSchema,
  /** The gateway's EIP: Huawei's examples pass the EIP's id here, so any non-empty text. */
  vgw_ip: z.string().min(1).max(64),
  cgw_id: resourceIdSchema,
  name: z.string().min(1).max(64).optional(),
  style: z.enum(['policy', 'static', 'bgp']).optional(),
  peer_subnets: z.array(z.string().min(1)).max(50).optional(),
  enable_nqa: z.boolean().optional(),
  psk: z.string().min(1).optional(),
  ha_role: z.enum(['master', 'slave']).optional(),
});
/** A connection to create through the API. */
export type VpnConnectionInput = z.infer<typeof vpnConnectionInputSchema>;

/** How Huawei answers where its documentation is silent; the code under test must be right under each. */
export const answerProfileSchema = z.strictObject({
  /** A create for a connection that already has a monitor: 400 `VPN.0381`, 400 `VPN.0001`, 409. */
  alreadyExists: z.enum(['vpn-0381', 'vpn-0001', 'conflict-409']),
  /** A create for a connection that is `PENDING_CREATE` / `PENDING_UPDATE`: 409, 400, 403. */
  notReady: z.enum(['conflict-409', 'bad-request-400', 'forbidden-403']),
  /** A create for a connection that does not exist (yet): 404 `VPN.0004` or 400 `VPN.0001`. */
  notFound: z.enum(['not-found-404', 'bad-request-400']),
});
/** How Huawei answers where its documentation is silent; the code under test must be right under each. */
export type AnswerProfile = z.infer<typeof answerProfileSchema>;

/** A change to the answer profile: fields left out (or `undefined`) stay as they are. */
export const answerProfileChangeSchema = answerProfileSchema.partial();
/** A change to the answer profile. */
export type AnswerProfileChange = z.infer<typeof answerProfileChangeSchema>;

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
  /**
   * Which operation the rule applies to; `any` (the default) matches every VPN API operation.
   * Cloud Eye's `batchQueryMetricData` is matched only by its name.
   */
  operation: z.enum([...OPERATIONS, 'any']).optional(),
  /**
   * Only requests about this VPN connection (create body, list filter, the monitor's; a Cloud
   * Eye query that asks for any metric of it).
   */
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
 *   instead of answering;
 * - `garble`: handle the request fully, then answer what a broken gateway or proxy sends: the
 *   answer's JSON cut in half (`truncated`) or an HTML page (`html`), with `status` (default: the
 *   real answer's, 201 for a create);
 * - `answer`: answer `status` with `body` as given and `contentType` (default JSON), after
 *   handling the request fully unless `handled` is false (the gateway answered alone);
 * - `another-connection`: handle the request fully, then answer about another VPN connection:
 *   a create's or a show's monitor carries another `vpn_connection_id`, a list holds one monitor
 *   of another connection.
 *
 * Cloud Eye's `batchQueryMetricData` takes every kind but `another-connection` (its answer is
 * about metrics, not a connection's monitor).
 */
const faultRuleKinds = z.discriminatedUnion('kind', [
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
  z.strictObject({
    kind: z.literal('garble'),
    form: z.enum(['truncated', 'html']),
    status: z.number().int().min(200).max(599).optional(),
    ...faultTarget,
  }),
  z.strictObject({
    kind: z.literal('answer'),
    status: z.number().int().min(200).max(599),
    body: z.string(),
    contentType: headerValue.optional(),
    handled: z.boolean().optional(),
    ...faultTarget,
  }),
  z.strictObject({ kind: z.literal('another-connection'), ...faultTarget }),
]);

/** The faults Cloud Eye's batch query plays; `another-connection` rewrites VPN API answers only. */
const CLOUD_EYE_FAULT_KINDS: readonly string[] = [
  'status',
  'delay',
  'drop-before',
  'drop-after',
  'garble',
  'answer',
];

/** {@link faultRuleKinds}, refusing a Cloud Eye rule of a kind Cloud Eye does not play. */
export const faultRuleSchema = faultRuleKinds.superRefine((rule, context) => {
  if (rule.operation === CLOUD_EYE_OPERATION && !CLOUD_EYE_FAULT_KINDS.includes(rule.kind)) {
    context.addIssue({
      code: 'custom',
      path: ['kind'],
      message: `${CLOUD_EYE_OPERATION} takes ${CLOUD_EYE_FAULT_KINDS.join(', ')} faults, not ${rule.kind}`,
    });
  }
});
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
 * The faults a real Huawei gateway gives at random: transient 5xx, resets (before or after the
 * work is done) and slow answers (timeouts, when slower than the caller waits). Not 429: Huawei
 * throttles when a project goes over its rate limit (the simulator's token bucket,
 * `setRateLimit`), not by chance; random 429s are a stress option (`throttle`).
 */
export const TRANSIENT_FAULT_KINDS = [
  'server-error',
  'slow',
  'drop-before',
  'drop-after',
] as const satisfies readonly (typeof RANDOM_FAULT_KINDS)[number][];

/**
 * Random faults for soaks: each request (after authentication) draws from a PRNG seeded with
 * `seed`; with probability `rate` it gets one of `kinds`, picked uniformly.
 */
export const randomFaultsSchema = z.strictObject({
  rate: z.number().min(0).max(1),
  kinds: z.array(z.enum(RANDOM_FAULT_KINDS)).min(1),
  seed: z.number().int(),
  /** Operations that may get a fault (default: every VPN API operation; Cloud Eye's when named). */
  operations: z.array(operationSchema).min(1).optional(),
  /** Longest delay of a `slow` fault, in milliseconds (default 200). */
  slowMs: z.number().int().positive().optional(),
  /** `Retry-After` seconds sent with `throttle` faults (default: none, like Huawei). */
  retryAfter: z.number().int().nonnegative().optional(),
});
/** Random fault settings. */
export type RandomFaults = z.infer<typeof randomFaultsSchema>;
