import * as z from '../zod.ts';
import { readTraceMessage } from './cloud-trace.ts';
import {
  type Correlation,
  correlationValueSchema,
  plainCandidate,
  plainFieldsSchema,
  type Reading,
  readPlain,
} from './connection-created.ts';
import {
  fail,
  fromIsoText,
  type JsonObject,
  joinPath,
  type Outcome,
  parseJsonObject,
  readWith,
} from './problems.ts';

/**
 * A CloudEvents 1.0 event in JSON structured mode, as Huawei EventGrid delivers it. Only
 * version 1.0 is read: `specversion` comes first so that another version is the problem
 * reported. `data` must be a JSON object (the plain fields or a Cloud Trace trace).
 */
const cloudEventSchema = z.lazy(() =>
  z.object({
    specversion: z.literal('1.0'),
    id: correlationValueSchema,
    source: correlationValueSchema,
    type: correlationValueSchema,
    time: z.optional(correlationValueSchema),
    data: z.looseObject({}),
  }),
);

/** The only `detail-type` this function handles; any other is a routing mistake upstream. */
const CONNECTION_CREATED_DETAIL_TYPE = 'VPN Connection Created';

/**
 * An EventBridge event delivered to SQS by a rule. `detail-type` comes first so that a wrong
 * type is the problem reported, not the missing fields that follow from it. The envelope's own
 * `region` and `account` are AWS's and are deliberately not read: the Huawei region is in
 * `detail`.
 */
const eventBridgeEnvelopeSchema = z.lazy(() =>
  z.object({
    'detail-type': z.literal(CONNECTION_CREATED_DETAIL_TYPE),
    version: z.string(),
    id: correlationValueSchema,
    source: correlationValueSchema,
    time: z.optional(correlationValueSchema),
    detail: plainFieldsSchema,
  }),
);

/** What an EventBridge or CloudEvents envelope says about where its event came from. */
const envelopeCorrelation = (envelope: {
  id: string;
  source: string;
  time?: string | undefined;
}) => {
  const { id, source, time } = envelope;
  return { eventId: id, source, ...(time === undefined ? {} : { time }) } satisfies Correlation;
};

/** Reads a CloudEvents 1.0 event found at `path` in the message. */
export function readCloudEvent(input: JsonObject, path: string): Reading {
  if (!Object.hasOwn(input, 'data') && Object.hasOwn(input, 'data_base64')) {
    return fail(
      joinPath(path, ['data_base64']),
      'is not supported: the event data must be a JSON object in data',
    );
  }
  const parsed = readWith(cloudEventSchema, input, path);
  if (!parsed.ok) return parsed;
  const { time, data } = parsed.value;
  const correlation = envelopeCorrelation(parsed.value);
  const fieldsAt = joinPath(path, ['data']);
  const occurredAt = fromIsoText(time);
  if (Object.hasOwn(data, 'trace_name')) {
    return readTraceMessage(data, fieldsAt, correlation, occurredAt);
  }
  return readPlain(data, { shape: 'cloudevents', correlation, occurredAt, fieldsAt });
}

/** Reads an EventBridge envelope found at `path` in the message. */
export function readEventBridgeEnvelope(input: JsonObject, path: string): Reading {
  const parsed = readWith(eventBridgeEnvelopeSchema, input, path);
  if (!parsed.ok) return parsed;
  return plainCandidate(parsed.value.detail, {
    shape: 'eventbridge',
    correlation: envelopeCorrelation(parsed.value),
    occurredAt: fromIsoText(parsed.value.time),
    fieldsAt: joinPath(path, ['detail']),
  });
}

/**
 * An SNS notification as SQS receives it when the subscription does not use raw delivery.
 * `Message` is the published message, a JSON string. Signature fields are not checked: the
 * queue's access policy decides who may deliver to it.
 */
const snsNotificationSchema = z.lazy(() =>
  z.object({
    Type: z.literal('Notification'),
    MessageId: correlationValueSchema,
    TopicArn: z.string(),
    Message: z.string(),
    Timestamp: z.optional(z.string()),
  }),
);

/**
 * What Huawei SMN (Simple Message Notification) POSTs to an HTTP(S) subscription, snake_case, as
 * its "HTTP or HTTPS Message Format" page describes: `type`, `message`, `message_id`, `topic_urn`,
 * `subject`, `timestamp`, `signature_version`, `signature`, `signing_cert_url`, and
 * `subscribe_url` or `unsubscribe_url`. The URLs are never read: a message must not make this
 * function call out. The signature is not checked here: as for SNS, whoever puts the message on
 * the queue vouches for it.
 *
 * What a CTS key-event notification's `message` holds is *not documented* (the CTS pages describe
 * configuring key event notifications, not their payload); we expect the trace as JSON text, so
 * it is read as any supported shape, and anything else is reported as unrecognised.
 */
const smnMessageSchema = z.lazy(() =>
  z.object({
    type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    message_id: correlationValueSchema,
    topic_urn: correlationValueSchema,
    timestamp: z.optional(z.string()),
  }),
);

/** An SMN notification's `message`; confirmations carry prose there, so only these parse it. */
const smnNotificationSchema = z.lazy(() => z.object({ message: z.string() }));

/** Why a confirmation is acknowledged and not handled. */
const SMN_CONFIRMATION_REASONS = {
  SubscriptionConfirmation:
    'SMN subscription confirmation is not an event; an operator confirms it',
  UnsubscribeConfirmation: 'SMN unsubscribe confirmation is not an event; nothing is to be done',
} as const;

/** The envelopes that wrap another message. */
export type Wrapper = 'sns' | 'smn';

/** The published message inside a notification (SNS or SMN), parsed, and the notification's facts. */
export interface NotificationContent {
  message: JsonObject;
  messageId: string;
  /** When the notification was first sent (ISO 8601), when it says so readably. */
  sentAt: string | undefined;
  /** Path of the published message, for naming its fields in problems. */
  path: string;
}

function content(
  text: string,
  path: string,
  messageId: string,
  timestamp: string | undefined,
): Outcome<NotificationContent> {
  const message = parseJsonObject(text, path);
  if (!message.ok) return message;
  return {
    ok: true,
    value: { message: message.value, messageId, sentAt: fromIsoText(timestamp), path },
  };
}

/**
 * Reads an SNS or SMN message at the top of a body: the notification's content (its message
 * parsed), or, for an SMN subscription or unsubscribe confirmation, why it is ignored.
 */
export function readWrapper(
  wrapper: Wrapper,
  input: JsonObject,
): Outcome<NotificationContent | { reason: string }> {
  if (wrapper === 'sns') {
    const sns = readWith(snsNotificationSchema, input, '');
    if (!sns.ok) return sns;
    return content(sns.value.Message, 'Message', sns.value.MessageId, sns.value.Timestamp);
  }
  const smn = readWith(smnMessageSchema, input, '');
  if (!smn.ok) return smn;
  const { type, message_id: messageId, timestamp } = smn.value;
  if (type !== 'Notification')
    return { ok: true, value: { reason: SMN_CONFIRMATION_REASONS[type] } };
  const notification = readWith(smnNotificationSchema, input, '');
  if (!notification.ok) return notification;
  return content(notification.value.message, 'message', messageId, timestamp);
}
