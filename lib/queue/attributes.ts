import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { FittableJson } from '../aws/index.ts';
import * as z from '../zod.ts';

// Every `vpn_monitor_*` attribute this project writes, with its schema; `writer.ts` decides
// which of them a copy keeps, replaces or drops.

/** Why a message was dead-lettered, as compact JSON (see {@link FailureReason}). */
export const FAILURE_ATTRIBUTE = 'vpn_monitor_failure';
/** How long a not-ready connection was waited for; never sent to the DLQ: a replay starts anew. */
export const WAIT_ATTRIBUTE = 'vpn_monitor_wait';
/** How many times a message was sent again as a throttled requeue. */
export const REQUEUE_ATTRIBUTE = 'vpn_monitor_requeues';
/** Where a replayed message came from and how many times it was replayed. */
export const REPLAY_ATTRIBUTE = 'vpn_monitor_replay';
/** Where a "VPN connection created" message came from when no producer sent it: `reconcile`. */
export const ORIGIN_ATTRIBUTE = 'vpn_monitor_origin';
/** The id of the reconcile run that queued the message. */
export const RUN_ID_ATTRIBUTE = 'vpn_monitor_reconcile_run';

/*
 * The attributes' schemas are built when first read (`z.lazy`): a first delivery carries none of
 * them, so a cold start does not pay for building them.
 */

/**
 * The value of JSON `text` read by `schema`; `undefined` when there is no text, it is not JSON or
 * the schema refuses it. `dropNulls` reads `null` as missing.
 */
const readJson = <T>(
  schema: z.ZodMiniType<T>,
  text: string | undefined,
  dropNulls = false,
): T | undefined => {
  if (text === undefined) return undefined;
  try {
    const json: unknown = dropNulls
      ? JSON.parse(text, (_key, value: unknown) => (value === null ? undefined : value))
      : JSON.parse(text);
    const parsed = schema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const jsonAttribute = (value: unknown): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: JSON.stringify(value),
});

/**
 * Why a message ended in the dead-letter queue: the JSON of {@link FAILURE_ATTRIBUTE}, as
 * `createMonitor` writes it. `kind` is `invalid-input`, `unknown-project` (no account of the
 * accounts document owns the project, or the event's account is another), `rejected` (Huawei
 * said no for good), `retries-exhausted`, or `not-ready-timeout` (the connection stayed not
 * ready for `NOT_READY_MAX_WAIT_SECONDS`). `connection_status` is the connection's status when
 * it was read (`PENDING_CREATE`, `NOT_FOUND`...).
 */
const failureReasonSchema = () =>
  z.object({
    kind: z.enum([
      'invalid-input',
      'unknown-project',
      'rejected',
      'retries-exhausted',
      'not-ready-timeout',
    ]),
    message: z.string(),
    code: z.optional(z.string()),
    status: z.optional(z.number()),
    request_id: z.optional(z.string()),
    connection_status: z.optional(z.string()),
    attempts: z.number(),
    receive_count: z.number(),
    source_message_id: z.string(),
    vpn_connection_id: z.optional(z.string()),
    project_id: z.optional(z.string()),
    failed_at: z.string(),
  });

/** Why a message ended in the dead-letter queue; see {@link failureReasonSchema}. */
export type FailureReason = z.infer<ReturnType<typeof failureReasonSchema>>;

/** The longest failure message written: the reason must always fit beside the body. */
const MAX_FAILURE_MESSAGE = 1024;

/** The reason's fields left out, in this order, when its cut message alone does not fit. */
const REASON_DROP_ORDER = [
  'project_id',
  'connection_status',
  'request_id',
  'code',
  'status',
  'vpn_connection_id',
  'failed_at',
  'attempts',
  'receive_count',
] as const;

/**
 * The {@link FAILURE_ATTRIBUTE} value of `reason`, fitted by the writer (`fitAttributes`): the
 * whole reason (its message cut to 1 KB) when it fits, else its message cut further, then the
 * least needed fields left out; `kind` and `source_message_id` always stay.
 */
export const failureAttribute = (reason: FailureReason): FittableJson => ({
  fields: {
    ...reason,
    message: reason.message.slice(0, MAX_FAILURE_MESSAGE),
    // An id is at most 128 characters in SQS's own; a longer one is not worth its bytes here.
    source_message_id: reason.source_message_id.slice(0, 128),
  },
  shorten: 'message',
  dropOrder: REASON_DROP_ORDER,
  // Only a body above the source queue's highest limit leaves no room: the kind alone then.
  fallback: { kind: reason.kind },
});

/**
 * The same attribute as a replay reads it back, leniently: any non-empty `kind` (an older or
 * newer writer may know others), every other field may be missing (or `null`, dropped when the
 * JSON is read).
 */
const storedFailureSchema = z.lazy(() =>
  z.extend(z.partial(failureReasonSchema()), { kind: z.string().check(z.minLength(1)) }),
);

/** A failure attribute as read back: see {@link readFailureReason}. */
export type StoredFailureReason = z.infer<typeof storedFailureSchema>;

/**
 * Reads a {@link FAILURE_ATTRIBUTE} value: `undefined` when there is none (SQS's own redrive
 * moved the message), `null` when it is there but cannot be read, else the reason.
 */
export const readFailureReason = (
  raw: string | undefined,
): StoredFailureReason | null | undefined => {
  return raw === undefined ? undefined : (readJson(storedFailureSchema, raw, true) ?? null);
};

/** How long a not-ready connection has been waited for: the JSON of {@link WAIT_ATTRIBUTE}. */
const waitStateSchema = z.lazy(() =>
  z.object({
    /** When the connection was first found not ready: the budget counts from here. */
    first_seen: z.iso.datetime(),
    /** When its event happened (the original message's), for the not-found grace. */
    event_time: z.optional(z.iso.datetime()),
    /** How many times it was found not ready. */
    tries: z.number().check(z.int(), z.positive()),
    /** The connection's status the last time (`PENDING_CREATE`, `NOT_FOUND`...). */
    last_status: z.string().check(z.maxLength(64)),
  }),
);
/** The wait state a delayed copy carries; see {@link waitStateSchema}. */
export type WaitState = z.infer<typeof waitStateSchema>;

/** The wait state a record carries; `undefined` on a first delivery (or a garbled attribute). */
export const readWaitState = (
  attributes: Record<string, MessageAttributeValue>,
): WaitState | undefined => readJson(waitStateSchema, attributes[WAIT_ATTRIBUTE]?.StringValue);

/** The {@link WAIT_ATTRIBUTE} value of `wait`. */
export const waitAttribute: (wait: WaitState) => MessageAttributeValue = jsonAttribute;

/** How many times this message was requeued before; 0 for an original. */
export const readRequeueCount = (attributes: Record<string, MessageAttributeValue>): number =>
  Number(attributes[REQUEUE_ATTRIBUTE]?.StringValue ?? 0) || 0;

/** The {@link REQUEUE_ATTRIBUTE} value of the `count`-th requeue. */
export const requeueAttribute = (count: number): MessageAttributeValue => ({
  DataType: 'Number',
  StringValue: String(count),
});

/** The JSON of {@link REPLAY_ATTRIBUTE}. */
const replayMetadataSchema = z.lazy(() =>
  z.object({
    /** The message id the event had when it first reached the source queue, as far as known. */
    original_message_id: z.string().check(z.minLength(1)),
    /** The id of the dead-letter message this copy was made from. */
    dlq_message_id: z.string().check(z.minLength(1)),
    replayed_at: z.string().check(z.minLength(1)),
    /** 1 for the first replay; one more each time the same event is replayed again. */
    replay_count: z.number().check(z.int(), z.positive()),
    /** Why it was in the dead-letter queue: the failure code, else its kind. */
    reason: z.optional(z.string()),
  }),
);
/** Replay metadata, as carried in {@link REPLAY_ATTRIBUTE}. */
export type ReplayMetadata = z.infer<typeof replayMetadataSchema>;

/**
 * Reads a message's earlier replay metadata, or `undefined` when it has none or it cannot be
 * read (a hand-made message, say): the count then starts again at 1 rather than failing.
 */
export const readReplayMetadata = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): ReplayMetadata | undefined =>
  readJson(replayMetadataSchema, attributes?.[REPLAY_ATTRIBUTE]?.StringValue);

/** The {@link REPLAY_ATTRIBUTE} value of `metadata`, compact JSON. */
export const replayAttribute: (metadata: ReplayMetadata) => MessageAttributeValue = jsonAttribute;

const RUN_ID = /^[A-Za-z0-9._:-]{1,80}$/;

/**
 * Where a message came from, when it was not a producer's event: a reconcile run. Its
 * idempotency record is the run's own, so a connection handled long ago whose monitor was
 * deleted since gets a monitor again.
 */
export interface MessageOrigin {
  kind: 'reconcile';
  runId: string;
}

/** The two attributes a reconcile run puts on each message it queues. */
export const reconcileAttributes = (runId: string): Record<string, MessageAttributeValue> => ({
  [ORIGIN_ATTRIBUTE]: { DataType: 'String', StringValue: 'reconcile' },
  [RUN_ID_ATTRIBUTE]: { DataType: 'String', StringValue: runId },
});

/**
 * The origin a message's attributes declare, or `undefined` for an ordinary event. An origin
 * without a well-formed run id is ignored: the message is then handled like any event.
 */
export const readOrigin = (
  attributes: Record<string, MessageAttributeValue>,
): MessageOrigin | undefined => {
  const runId = attributes[RUN_ID_ATTRIBUTE]?.StringValue;
  if (attributes[ORIGIN_ATTRIBUTE]?.StringValue !== 'reconcile' || runId === undefined) {
    return undefined;
  }
  return RUN_ID.test(runId) ? { kind: 'reconcile', runId } : undefined;
};
