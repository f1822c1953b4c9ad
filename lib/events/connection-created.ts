import type { InvalidInputError } from '../errors.ts';
import * as z from '../zod.ts';
import {
  correlationValueSchema,
  projectIdSchema,
  regionSchema,
  vpnConnectionIdSchema,
} from './ids.ts';

/** The message shapes a "VPN connection created" event can arrive in (SNS is `viaSns`). */
const messageShapeSchema = z.enum(['plain', 'eventbridge', 'cloudevents', 'cloud-trace']);

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
  /** The Cloud Trace Service `trace_id` of the `createVpnConnection` call. */
  traceId: z.exactOptional(correlationValueSchema),
});
/** Where the event came from. */
export type Correlation = z.infer<typeof correlationSchema>;

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
  correlation: correlationSchema,
});
/** A validated "VPN connection created" event. */
export type ConnectionCreated = z.infer<typeof connectionCreatedSchema>;

/** Project and region used when a message does not name them (validated like message values). */
export interface ConnectionDefaults {
  projectId?: string | undefined;
  region?: string | undefined;
}

/** What `parseConnectionCreated` (`parse.ts`) returns: never an exception. */
export type ParseResult =
  | { ok: true; event: ConnectionCreated }
  | { ok: false; error: InvalidInputError };
