import type { InvalidInputError } from '../errors.ts';
import * as z from '../zod.ts';
import { type Outcome, readWith } from './problems.ts';

/*
 * These three values end up in the Huawei API's URL path and query, so each is checked against
 * a closed ASCII pattern: no `/`, `.`, `%`, `?`, `#`, whitespace or non-ASCII lookalike can get
 * through. The patterns have no `i`, `u` or `m` flag on purpose: `[a-z]` and `\d` then match
 * ASCII only, and `$` matches at the very end of the string, never before a trailing newline.
 */

/**
 * A VPN connection id: 36 ASCII letters and digits in 8-4-4-4-12 groups. Huawei's ids are UUIDs,
 * but its documentation's examples use placeholders such as `cae286f2-demo-a8df-va86-e22416ca1220`,
 * so any letter is accepted. The id is kept exactly as given.
 */
export const vpnConnectionIdSchema = z.string().check(
  z.regex(/^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/, {
    error: 'must be 36 letters and digits in 8-4-4-4-12 groups',
  }),
);

/**
 * A Huawei project id: 32 lowercase hex characters.
 *
 * Uppercase hex is rejected rather than lowercased: Huawei issues project ids in lowercase, and
 * nothing in its documentation says the API treats them case-insensitively, so a changed id
 * could name another project or fail signing in a way that is harder to diagnose than a clear
 * rejection here. The producer should send the id as Huawei issued it.
 */
export const projectIdSchema = z.string().check(
  z.regex(/^[0-9A-Fa-f]{32}$/, { error: 'must be 32 hex characters', abort: true }),
  z.regex(/^[0-9a-f]+$/, {
    error: 'must be lowercase hex, as Huawei issues it (uppercase is rejected, not lowercased)',
  }),
);

/**
 * A Huawei account id (Cloud Trace `domain_id`): 32 hex characters. It never reaches a URL
 * today; it is checked so that what is logged and handed on is what Huawei issues.
 */
export const domainIdSchema = z
  .string()
  .check(z.regex(/^[0-9A-Fa-f]{32}$/, { error: 'must be 32 hex characters' }));

/** A Huawei region: lowercase letter groups joined by `-`, ending in a number (`cn-north-4`). */
export const regionSchema = z.string().check(
  z.maxLength(32, {
    error: 'must be a region like cn-north-4 (at most 32 characters)',
    abort: true,
  }),
  z.regex(/^[a-z]{2,}(?:-[a-z]+)+-\d{1,3}$/, {
    error: 'must be a region like cn-north-4 or ap-southeast-1',
  }),
);

/**
 * Correlation values (event id, source, time, SNS message id, trace id) are copied into the
 * "monitor created" event and the logs, never into a URL. They are bounded so a hostile producer
 * cannot inflate every event this function publishes.
 */
export const correlationValueSchema = z
  .string()
  .check(
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(512, { error: 'must be at most 512 characters' }),
  );

/**
 * The message shapes an event can arrive in. SNS and SMN notifications wrap one of these and
 * are flags (`viaSns`, `viaSmn`); `smn` is the shape only of an SMN message that wraps nothing,
 * a subscription or unsubscribe confirmation.
 */
const messageShapeSchema = z.lazy(() =>
  z.enum(['plain', 'eventbridge', 'cloudevents', 'cloud-trace', 'smn']),
);
/** The shape a message had, inside SNS or SMN or not. */
type MessageShape = z.infer<typeof messageShapeSchema>;

/**
 * Where the event came from, for consumers and logs. Each shape carries a different subset: the
 * EventBridge or CloudEvents envelope's `id`, `source` (`HC.VPN` for Huawei EventGrid) and `time`
 * as written; the SNS `MessageId` or SMN `message_id` of the notification around it; the Cloud
 * Trace Service `trace_id` of the call that created the connection.
 */
const correlationSchema = z.lazy(() =>
  z.object({
    eventId: z.exactOptional(correlationValueSchema),
    source: z.exactOptional(correlationValueSchema),
    time: z.exactOptional(correlationValueSchema),
    snsMessageId: z.exactOptional(correlationValueSchema),
    smnMessageId: z.exactOptional(correlationValueSchema),
    traceId: z.exactOptional(correlationValueSchema),
  }),
);
/** Where the event came from. */
export type Correlation = z.infer<typeof correlationSchema>;

/** An instant in ISO 8601, UTC, as `Date.prototype.toISOString` writes it. */
const isoInstantSchema = z.lazy(() => z.iso.datetime());

/**
 * A validated "VPN connection created" event: the ids are safe to put in a URL, and the project
 * and region are resolved (from the message, else from the deployment's defaults).
 */
const connectionCreatedSchema = z.lazy(() =>
  z.object({
    vpnConnectionId: vpnConnectionIdSchema,
    projectId: projectIdSchema,
    region: regionSchema,
    shape: messageShapeSchema,
    /** True when the message arrived wrapped in an SNS, or a Huawei SMN HTTP(S), notification. */
    viaSns: z.boolean(),
    viaSmn: z.boolean(),
    /**
     * When the producer says the event happened (ISO 8601): a Cloud Trace trace's `time`, else
     * the envelope's `time`, else the SNS or SMN notification's timestamp. Absent when none is
     * there or readable as a time.
     */
    occurredAt: z.exactOptional(isoInstantSchema),
    /** The Huawei account of a Cloud Trace trace (`user.domain.id`...), when the trace names it. */
    domainId: z.exactOptional(domainIdSchema),
    /**
     * Set when the message named no `project_id` and the deployment's default filled it in: with
     * several accounts such a project is a guess, and the connection is not provisioned.
     */
    projectDefaulted: z.exactOptional(z.literal(true)),
    correlation: correlationSchema,
  }),
);
/** A validated "VPN connection created" event. */
export type ConnectionCreated = z.infer<typeof connectionCreatedSchema>;

/** Project and region used when a message does not name them (validated like message values). */
export interface ConnectionDefaults {
  projectId?: string | undefined;
  region?: string | undefined;
}

/**
 * What `parseConnectionCreated` returns: the connections the message announces (several for a
 * batch-create trace, each validated, no repeats); or `ignored`, a well-formed message that
 * announces none (another Cloud Trace operation, a failed create, an SMN subscription
 * confirmation), to acknowledge and count; or `invalid`, for the dead-letter queue with the reason.
 */
export type ParseResult =
  | { kind: 'connections'; events: ConnectionCreated[] }
  | { kind: 'ignored'; reason: string; shape: MessageShape }
  | { kind: 'invalid'; error: InvalidInputError };

/**
 * What a shape reader found in a message that announces connections: project and region are
 * valid when present, still to be defaulted; `fieldsAt`, the path of the object holding the
 * fields, names a missing `project_id` where the producer should have put it.
 */
export interface Candidate {
  kind: 'candidate';
  vpnConnectionIds: readonly string[];
  projectId: string | undefined;
  region: string | undefined;
  domainId?: string | undefined;
  occurredAt?: string | undefined;
  shape: MessageShape;
  correlation: Correlation;
  fieldsAt: string;
}

/** What reading one shape gives: connections to provision, a message to ignore, or a problem. */
export type Reading = Outcome<Candidate | Extract<ParseResult, { kind: 'ignored' }>>;

/**
 * The plain fields, alone or inside an envelope's `detail` or `data`. `project_id` and `region`
 * may be omitted, or `null` as some serialisers write absent values, when the deployment has
 * defaults; an empty string is not absent and is rejected. Extra fields are ignored.
 */
export const plainFieldsSchema = z.object({
  vpn_connection_id: vpnConnectionIdSchema,
  project_id: z.nullish(projectIdSchema),
  region: z.nullish(regionSchema),
});

/** What a shape adds to the plain fields it carries. */
type Around = Pick<Candidate, 'shape' | 'correlation' | 'fieldsAt' | 'occurredAt'>;

/** The candidate of validated plain fields; `null` becomes absent. */
export function plainCandidate(fields: z.infer<typeof plainFieldsSchema>, around: Around): Reading {
  const { vpn_connection_id: id, project_id: projectId, region } = fields;
  return {
    ok: true,
    value: {
      kind: 'candidate',
      vpnConnectionIds: [id],
      projectId: projectId ?? undefined,
      region: region ?? undefined,
      ...around,
    },
  };
}

/** Reads the plain fields at `around.fieldsAt`: a plain message, or a CloudEvent's `data`. */
export function readPlain(input: unknown, around: Around): Reading {
  const fields = readWith(plainFieldsSchema, input, around.fieldsAt);
  return fields.ok ? plainCandidate(fields.value, around) : fields;
}
