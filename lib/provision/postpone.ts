import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SqsSender } from '../aws/lazy-sqs.ts';
import { WAIT_ATTRIBUTE, withOwnAttribute } from '../dlq/dead-letter.ts';
import * as z from '../zod.ts';

/** SQS's longest `DelaySeconds` is 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/**
 * How long a not-ready connection has been waited for: the JSON of the `vpn_monitor_wait`
 * attribute on the delayed copies of its record. Times are ISO 8601.
 */
const waitStateSchema = z.object({
  /** When the connection was first found not ready: the budget counts from here. */
  first_seen: z.iso.datetime(),
  /** When its event happened (the original message's), for the not-found grace. */
  event_time: z.optional(z.iso.datetime()),
  /** How many times it was found not ready. */
  tries: z.number().check(z.int(), z.positive()),
  /** The connection's status the last time (`PENDING_CREATE`, `NOT_FOUND`...). */
  last_status: z.string().check(z.maxLength(64)),
});
export type WaitState = z.infer<typeof waitStateSchema>;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The wait state a record carries; `undefined` on a first delivery (or a garbled attribute). */
export const readWaitState = (
  attributes: Record<string, MessageAttributeValue>,
): WaitState | undefined => {
  const text = attributes[WAIT_ATTRIBUTE]?.StringValue;
  if (text === undefined) return undefined;
  const parsed = waitStateSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : undefined;
};

/**
 * The delay before the `tries`-th question: `base` seconds after the first, doubling after
 * each, at most 15 minutes (SQS's limit) and never past what is left of the budget.
 */
export const nextDelaySeconds = (
  tries: number,
  baseSeconds: number,
  budgetLeftSeconds: number,
): number =>
  Math.max(
    0,
    Math.min(
      MAX_DELAY_SECONDS,
      baseSeconds * 2 ** Math.max(0, Math.min(tries - 1, 20)),
      Math.ceil(budgetLeftSeconds),
    ),
  );

/**
 * When the record's event happened, epoch ms: the event's own time when it says, else what the
 * first copy recorded, else when the message was sent to the queue. The producer's time is never
 * later than the queue's: a clock ahead (or a forged time) must not stretch its own grace period.
 */
export const eventTimeOf = (
  message: {
    messageAttributes: Record<string, MessageAttributeValue>;
    sentAt?: number | undefined;
  },
  occurredAt?: string | undefined,
): number | undefined => {
  const own = occurredAt === undefined ? Number.NaN : Date.parse(occurredAt);
  if (!Number.isNaN(own)) return message.sentAt === undefined ? own : Math.min(own, message.sentAt);
  const recorded = readWaitState(message.messageAttributes)?.event_time;
  return recorded === undefined ? message.sentAt : Date.parse(recorded);
};

/** What a delayed copy of a record is made of. */
interface DelayedCopy {
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  traceHeader?: string | undefined;
}

/**
 * Sends a copy of the record to the source queue, delayed by `delaySeconds`, carrying `wait`
 * (one attribute; the record's others kept within SQS's limit of 10). A copy starts with a
 * receive count of 1, so waiting for a connection costs no SQS delivery of the record's
 * budget. Throws when SQS refuses: the caller must then leave the record for redelivery, and
 * delete nothing. Only for standard queues: FIFO queues refuse a per-message `DelaySeconds`.
 */
export const sendDelayedCopy = async (
  sqs: SqsSender,
  queueUrl: string,
  record: DelayedCopy,
  wait: WaitState,
  delaySeconds: number,
): Promise<void> => {
  const attributes = withOwnAttribute(record, WAIT_ATTRIBUTE, {
    DataType: 'String',
    StringValue: JSON.stringify(wait),
  });
  // Failure paths (here and below): the SQS SDK is loaded on first use, not at a cold start.
  const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: record.body,
      MessageAttributes: attributes,
      DelaySeconds: delaySeconds,
      ...(record.traceHeader
        ? {
            MessageSystemAttributes: {
              AWSTraceHeader: { DataType: 'String', StringValue: record.traceHeader },
            },
          }
        : {}),
    }),
  );
};

/** Whether a queue URL names a FIFO queue (no per-message delays there). */
export const isFifoQueue = (queueUrl: string): boolean => queueUrl.endsWith('.fifo');

/**
 * The fallback where no copy can be sent (a FIFO queue): keeps the message invisible for
 * `seconds` before SQS redelivers it. Each wait then costs one of the queue's
 * `maxReceiveCount` deliveries. Throws when SQS refuses; the message then simply comes back
 * after the queue's visibility timeout.
 */
export const postpone = async (
  sqs: SqsSender,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> => {
  const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
};

/** The queue URL of a queue ARN, `arn:aws:sqs:{region}:{account}:{name}`; `undefined` if not one. */
export const queueUrlFromArn = (arn: string): string | undefined => {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([\w.-]+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/** How long a record waits while the credential breaker is held open: Huawei's lockout time. */
const HELD_BREAKER_WAIT_SECONDS = 300;

/**
 * How long a record stopped by the fleet's credential breaker stays invisible: until the next
 * probe is allowed (`retryAt`, epoch ms) plus a few seconds, so the prober goes first; five
 * minutes while the breaker waits for new credentials. Between 1 s and 15 minutes.
 */
export const breakerWaitSeconds = (retryAt: number | undefined, now = Date.now()): number =>
  retryAt === undefined
    ? HELD_BREAKER_WAIT_SECONDS
    : Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((retryAt - now) / 1000) + 2));

/** A throttled record is back within 10 s at the most. */
const MAX_THROTTLED_WAIT_SECONDS = 10;

/**
 * How long a throttled record stays invisible: until the rate limit has room again (the
 * pacer's next slot, `retryAt`, when it said; else one throttle pause, `pauseMs`: Huawei
 * advises 2-5 s), plus up to as long again at random, so the fleet's records do not come back
 * together. Between 1 and 10 s: a fixed 5-10 s left records waiting long after the limiter
 * had room again.
 */
export const throttledWaitSeconds = (
  retryAt: number | undefined,
  pauseMs: number,
  now = Date.now(),
  random: () => number = Math.random,
): number => {
  const waitMs = retryAt === undefined ? pauseMs : Math.max(0, retryAt - now);
  const base = Math.max(1, Math.ceil(waitMs / 1000));
  return Math.min(MAX_THROTTLED_WAIT_SECONDS, base + Math.floor(random() * (base + 1)));
};
