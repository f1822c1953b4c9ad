import type { InvalidInputError } from '../errors.ts';
import * as z from '../zod.ts';
import {
  correlationValueSchema,
  domainIdSchema,
  projectIdSchema,
  regionSchema,
  vpnConnectionIdSchema,
} from './ids.ts';

/**
 * The message shapes an event can arrive in. SNS and SMN notifications wrap one of these and
 * are flags (`viaSns`, `viaSmn`); `smn` is the shape only of an SMN message that wraps nothing,
 * a subscription or unsubscribe confirmation.
 */
const messageShapeSchema = z.enum(['plain', 'eventbridge', 'cloudevents', 'cloud-trace', 'smn']);
/** The shape a message had, inside SNS or SMN or not. */
export type MessageShape = z.infer<typeof messageShapeSchema>;

/**
 * Where the event came from, for consumers and logs. Every field is optional: each shape
 * carries a different subset (`traceId` only in a Cloud Trace trace, `snsMessageId` only via SNS).
 */
const correlationSchema = z.object({
  /** The EventBridge or CloudEvents event id. */
  eventId: z.exactOptional(correlationValueSchema),
  /** The EventBridge or CloudEvents source, `HC.VPN` for Huawei EventGrid. */
  source: z.exactOptional(correlationValueSchema),
  /** When the producer says the event happened, as the envelope wrote it. */
  time: z.exactOptional(correlationValueSchema),
  /** The SNS `MessageId`, when the message came through SNS. */
  snsMessageId: z.exactOptional(correlationValueSchema),
  /** The SMN `message_id`, when the message came through a Huawei SMN HTTP(S) subscription. */
  smnMessageId: z.exactOptional(correlationValueSchema),
  /** The Cloud Trace Service `trace_id` of the call that created the connection. */
  traceId: z.exactOptional(correlationValueSchema),
});
/** Where the event came from. */
export type Correlation = z.infer<typeof correlationSchema>;

/** An instant in ISO 8601, UTC, as `Date.prototype.toISOString` writes it. */
const isoInstantSchema = z.iso.datetime();

/**
 * A validated "VPN connection created" event: the ids are safe to put in a URL, and the project
 * and region are resolved (from the message, else from the deployment's defaults).
 */
const connectionCreatedSchema = z.object({
  vpnConnectionId: vpnConnectionIdSchema,
  projectId: projectIdSchema,
  region: regionSchema,
  shape: messageShapeSchema,
  /** True when the message arrived wrapped in an SNS notification. */
  viaSns: z.boolean(),
  /** True when the message arrived wrapped in a Huawei SMN HTTP(S) notification. */
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
});
/** A validated "VPN connection created" event. */
export type ConnectionCreated = z.infer<typeof connectionCreatedSchema>;

/** Project and region used when a message does not name them (validated like message values). */
export interface ConnectionDefaults {
  projectId?: string | undefined;
  region?: string | undefined;
}

/**
 * What `parseConnectionCreated` (`parse.ts`) returns, never an exception: the connections the
 * message announces (one, or several for a batch-create trace, each validated, no repeats); or
 * `ignored`, a well-formed message that announces no new connection (another Cloud Trace
 * operation, a failed create, an SMN subscription confirmation), to acknowledge and count; or
 * `invalid`, a malformed message, for the dead-letter queue with the reason.
 */
export type ParseResult =
  | { kind: 'connections'; events: ConnectionCreated[] }
  | { kind: 'ignored'; reason: string; shape: MessageShape }
  | { kind: 'invalid'; error: InvalidInputError };
