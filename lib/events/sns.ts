import * as z from '../zod.ts';
import { correlationValueSchema } from './ids.ts';
import { type JsonObject, parseJsonObject } from './json.ts';
import { fromIsoText } from './occurred-at.ts';
import { joinPath, type Outcome, problemFromZod } from './problems.ts';

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
export function readSnsNotification(input: unknown, path: string): Outcome<NotificationContent> {
  const parsed = snsNotificationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const messagePath = joinPath(path, ['Message']);
  const message = parseJsonObject(parsed.data.Message, messagePath);
  if (!message.ok) return message;
  return {
    ok: true,
    value: {
      message: message.value,
      messageId: parsed.data.MessageId,
      sentAt: fromIsoText(parsed.data.Timestamp),
      path: messagePath,
    },
  };
}
