import type { MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import {
  attributesBytes,
  MAX_MESSAGE_ATTRIBUTES,
  MAX_MESSAGE_BYTES,
} from '../aws/sqs-message-size.ts';
import * as z from '../zod.ts';

/** The one message attribute that carries why a message was dead-lettered, as compact JSON. */
export const FAILURE_ATTRIBUTE = 'vpn_monitor_failure';

/**
 * The one attribute that carries how long a not-ready connection has been waited for, on the
 * delayed copies of its record (`lib/provision/postpone.ts`). Never sent to the DLQ: a replay
 * starts a new wait.
 */
export const WAIT_ATTRIBUTE = 'vpn_monitor_wait';

/** The kinds of failure `createMonitor` dead-letters a message for. */
const FAILURE_KINDS = [
  'invalid-input',
  'unknown-project',
  'rejected',
  'retries-exhausted',
  'not-ready-timeout',
] as const;

/**
 * Why a message ended in the dead-letter queue: the JSON of {@link FAILURE_ATTRIBUTE}, as
 * `createMonitor` writes it. `kind` is `invalid-input`, `unknown-project` (no account of the
 * accounts document owns the project, or the event's account is another), `rejected` (Huawei
 * said no for good), `retries-exhausted`, or `not-ready-timeout` (the connection stayed not
 * ready for `NOT_READY_MAX_WAIT_SECONDS`). `connection_status` is the connection's status when it was
 * read (`PENDING_CREATE`, `NOT_FOUND`...).
 */
const failureReasonSchema = z.object({
  kind: z.enum(FAILURE_KINDS),
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
export type FailureReason = z.infer<typeof failureReasonSchema>;

/**
 * The same attribute as a replay reads it back, leniently: any non-empty `kind` (an older or
 * newer writer may know others), every other field may be missing (or `null`, dropped when the
 * JSON is read).
 */
const storedFailureSchema = z.extend(z.partial(failureReasonSchema), {
  kind: z.string().check(z.minLength(1)),
});

/** A failure attribute as read back: see {@link readFailureReason}. */
export type StoredFailureReason = z.infer<typeof storedFailureSchema>;

/**
 * Reads a {@link FAILURE_ATTRIBUTE} value: `undefined` when there is none (SQS's own redrive
 * moved the message), `null` when it is there but cannot be read, else the reason.
 */
export const readFailureReason = (
  raw: string | undefined,
): StoredFailureReason | null | undefined => {
  if (raw === undefined) return undefined;
  try {
    const withoutNulls: unknown = JSON.parse(raw, (_key, value: unknown) =>
      value === null ? undefined : value,
    );
    const parsed = storedFailureSchema.safeParse(withoutNulls);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** A message as it was received, enough to send it on unchanged. */
export interface DeadLetterSource {
  messageId: string;
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  messageGroupId?: string | undefined;
}

/**
 * A message's attributes with one of ours set: the others kept where SQS's limits allow (10
 * attributes, 256 KB with the body), any earlier copy of ours and of `drop` left out.
 */
export const withOwnAttribute = (
  source: { body: string; messageAttributes: Record<string, MessageAttributeValue> },
  name: string,
  value: MessageAttributeValue,
  drop: readonly string[] = [],
): Record<string, MessageAttributeValue> => {
  const kept = Object.entries(source.messageAttributes).filter(
    ([key]) => key !== name && key !== FAILURE_ATTRIBUTE && !drop.includes(key),
  );
  const ours = { [name]: value };
  const others: Record<string, MessageAttributeValue> = Object.fromEntries(
    kept.slice(0, MAX_MESSAGE_ATTRIBUTES - 1),
  );
  const fits =
    Buffer.byteLength(source.body) + attributesBytes(others) + attributesBytes(ours) <=
    MAX_MESSAGE_BYTES;
  return fits ? { ...others, ...ours } : ours;
};

/**
 * Sends the message, body unchanged, to the dead-letter queue with the reason attached. The
 * original attributes are kept where SQS's limits allow (10 attributes, 256 KB in all); the
 * reason always fits, its message cut to 1 KB. Throws when SQS refuses: the caller must then
 * leave the record for redelivery, never drop it.
 */
export const sendToDeadLetterQueue = async (
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  source: DeadLetterSource,
  reason: FailureReason,
): Promise<void> => {
  const failure: MessageAttributeValue = {
    DataType: 'String',
    StringValue: JSON.stringify({ ...reason, message: reason.message.slice(0, 1024) }),
  };
  const attributes = withOwnAttribute(source, FAILURE_ATTRIBUTE, failure, [WAIT_ATTRIBUTE]);
  const fifo = queueUrl.endsWith('.fifo');
  // A failure path: the SQS SDK is loaded on first use, not at a cold start.
  const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: source.body,
      MessageAttributes: attributes,
      ...(fifo
        ? {
            MessageGroupId: source.messageGroupId ?? 'dead-letters',
            MessageDeduplicationId: source.messageId,
          }
        : {}),
    }),
  );
};
