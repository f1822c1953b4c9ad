import * as z from '../zod.ts';
import { correlationValueSchema } from './ids.ts';
import { parseJsonObject } from './json.ts';
import { fromIsoText } from './occurred-at.ts';
import { joinPath, type Outcome, problemFromZod } from './problems.ts';
import type { NotificationContent } from './sns.ts';

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
export type SmnReading =
  | ({ kind: 'notification' } & NotificationContent)
  | { kind: 'confirmation'; reason: string };

/** Why a confirmation is acknowledged and not handled. */
const SMN_CONFIRMATION_REASONS = {
  SubscriptionConfirmation:
    'SMN subscription confirmation is not an event; an operator confirms it',
  UnsubscribeConfirmation: 'SMN unsubscribe confirmation is not an event; nothing is to be done',
} as const;

/** Reads an SMN HTTP(S) message found at `path`, parsing a notification's message. */
export function readSmnMessage(input: unknown, path: string): Outcome<SmnReading> {
  const parsed = smnMessageSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const { type, message_id: messageId, timestamp } = parsed.data;
  if (type !== 'Notification') {
    return { ok: true, value: { kind: 'confirmation', reason: SMN_CONFIRMATION_REASONS[type] } };
  }
  const notification = smnNotificationSchema.safeParse(input);
  if (!notification.success) {
    return { ok: false, problem: problemFromZod(notification.error, input, path) };
  }
  const messagePath = joinPath(path, ['message']);
  const message = parseJsonObject(notification.data.message, messagePath);
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
