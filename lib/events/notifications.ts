import * as z from '../zod.ts';
import { correlationValueSchema } from './connection-created.ts';
import {
  fromIsoText,
  type JsonObject,
  joinPath,
  type Outcome,
  parseJsonObject,
  readWith,
} from './problems.ts';

/**
 * An SNS notification as SQS receives it when the subscription does not use raw delivery.
 * `Message` is the published message, a JSON string. Signature fields are not checked: the
 * queue's access policy decides who may deliver to it.
 */
const snsNotificationSchema = z.object({
  Type: z.literal('Notification'),
  MessageId: correlationValueSchema,
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.optional(z.string()),
});

/** The published message inside a notification (SNS or SMN), parsed, and the notification's facts. */
export interface NotificationContent {
  message: JsonObject;
  messageId: string;
  /** When the notification was first sent (ISO 8601), when it says so readably. */
  sentAt: string | undefined;
  /** Path of the published message, for naming its fields in problems. */
  path: string;
}

/** Reads an SNS notification found at `path` and parses the message it carries. */
function readSnsNotification(input: unknown, path: string): Outcome<NotificationContent> {
  const parsed = readWith(snsNotificationSchema, input, path);
  if (!parsed.ok) return parsed;
  const messagePath = joinPath(path, ['Message']);
  const message = parseJsonObject(parsed.value.Message, messagePath);
  if (!message.ok) return message;
  return {
    ok: true,
    value: {
      message: message.value,
      messageId: parsed.value.MessageId,
      sentAt: fromIsoText(parsed.value.Timestamp),
      path: messagePath,
    },
  };
}

/**
 * What Huawei SMN (Simple Message Notification) POSTs to an HTTP(S) subscription, snake_case,
 * as its "HTTP or HTTPS Message Format" page describes: `type`, `message`, `message_id`,
 * `topic_urn`, `subject`, `timestamp`, `signature_version`, `signature`, `signing_cert_url`,
 * and `subscribe_url` or `unsubscribe_url`. Only the first few are read. The URLs are never
 * read, let alone visited: a message must not make this function call out. The signature is
 * not checked here, as for SNS: whoever puts the message on the queue vouches for it.
 *
 * A CTS key-event notification reaches SMN as a notification whose `message` is, we expect, the
 * trace as JSON text; what it holds is *not documented* (the CTS pages describe configuring key
 * event notifications, not their payload), so `message` is read as any supported shape, and
 * anything else is reported as unrecognised rather than guessed at.
 */
const smnMessageSchema = z.object({
  type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  message_id: correlationValueSchema,
  topic_urn: correlationValueSchema,
  timestamp: z.optional(z.string()),
});

/** An SMN notification's `message`; confirmations carry prose there, so only these parse it. */
const smnNotificationSchema = z.object({ message: z.string() });

/** What an SMN message is: a notification carrying a message, or a confirmation to ignore. */
type SmnReading =
  | ({ kind: 'notification' } & NotificationContent)
  | { kind: 'confirmation'; reason: string };

/** Why a confirmation is acknowledged and not handled. */
const SMN_CONFIRMATION_REASONS = {
  SubscriptionConfirmation:
    'SMN subscription confirmation is not an event; an operator confirms it',
  UnsubscribeConfirmation: 'SMN unsubscribe confirmation is not an event; nothing is to be done',
} as const;

/** Reads an SMN HTTP(S) message found at `path`, parsing a notification's message. */
function readSmnMessage(input: unknown, path: string): Outcome<SmnReading> {
  const parsed = readWith(smnMessageSchema, input, path);
  if (!parsed.ok) return parsed;
  const { type, message_id: messageId, timestamp } = parsed.value;
  if (type !== 'Notification') {
    return { ok: true, value: { kind: 'confirmation', reason: SMN_CONFIRMATION_REASONS[type] } };
  }
  const notification = readWith(smnNotificationSchema, input, path);
  if (!notification.ok) return notification;
  const messagePath = joinPath(path, ['message']);
  const message = parseJsonObject(notification.value.message, messagePath);
  if (!message.ok) return message;
  return {
    ok: true,
    value: {
      kind: 'notification',
      message: message.value,
      messageId,
      sentAt: fromIsoText(timestamp),
      path: messagePath,
    },
  };
}

/** The envelopes that wrap another message. */
export type Wrapper = 'sns' | 'smn';

/**
 * Reads an SNS or SMN message at the top of a body: the notification's content (its message
 * parsed), or, for an SMN subscription or unsubscribe confirmation, why it is ignored.
 */
export function readWrapper(
  wrapper: Wrapper,
  message: JsonObject,
): Outcome<NotificationContent | { reason: string }> {
  if (wrapper === 'sns') return readSnsNotification(message, '');
  const smn = readSmnMessage(message, '');
  if (!smn.ok) return smn;
  if (smn.value.kind === 'confirmation') return { ok: true, value: { reason: smn.value.reason } };
  const { kind: _kind, ...content } = smn.value;
  return { ok: true, value: content };
}
