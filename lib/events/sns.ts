import * as z from '../zod.ts';
import { correlationValueSchema } from './ids.ts';
import { type JsonObject, parseJsonObject } from './json.ts';
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
});

/** The published message inside a notification, parsed, and the notification's id. */
export interface SnsContent {
  message: JsonObject;
  messageId: string;
  /** Path of the published message, for naming its fields in problems. */
  path: string;
}

/** Reads an SNS notification found at `path` and parses the message it carries. */
export function readSnsNotification(input: unknown, path: string): Outcome<SnsContent> {
  const parsed = snsNotificationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const messagePath = joinPath(path, ['Message']);
  const message = parseJsonObject(parsed.data.Message, messagePath);
  if (!message.ok) return message;
  return {
    ok: true,
    value: { message: message.value, messageId: parsed.data.MessageId, path: messagePath },
  };
}
