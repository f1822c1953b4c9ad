import { createHash } from 'node:crypto';
import type {
  BatchResultErrorEntry,
  MessageAttributeValue,
  SendMessageBatchRequestEntry,
  SendMessageRequest,
} from '@aws-sdk/client-sqs';
import {
  attributeBytes,
  attributesBytes,
  DEAD_LETTER_QUEUE_MAX_BYTES,
  type FittableJson,
  fitJson,
  MAX_MESSAGE_ATTRIBUTES,
  MAX_MESSAGE_BYTES,
  type SqsSender,
  toSqsText,
} from '../aws/index.ts';
import {
  FAILURE_ATTRIBUTE,
  type FailureReason,
  failureAttribute,
  WAIT_ATTRIBUTE,
} from './attributes.ts';

/*
 * The one writer of SQS messages (copies to the DLQ, delayed copies, requeues, replays; reconcile's
 * new messages): one rule for the trace header, our stale attributes, the size and FIFO queues.
 * Deletes, and holds of a received message, are here too; replay's reading of its DLQ (lookups,
 * receives, the release of skipped messages, move tasks) stays in replay/.
 */

/**
 * The SQS SDK's commands, loaded when a message is first written: createMonitor writes to SQS on
 * failure paths only, so its cold start reads no SQS client code (the build gives it a chunk).
 */
const sqsCommands = () => import('@aws-sdk/client-sqs');

/** SQS's longest `DelaySeconds` is 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/** A message as it was received: enough to send it on. */
export interface SourceMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  messageGroupId?: string | undefined;
  /** X-Ray's `AWSTraceHeader`: kept on every copy, so a trace follows the record. */
  traceHeader?: string | undefined;
}

/** Our attribute on a copy: a value as it is, or JSON fields (the failure reason) to fit. */
export interface OwnAttribute {
  name: string;
  value: MessageAttributeValue | FittableJson;
  optional?: boolean | undefined;
}

/** What a copy changes of its source. */
export interface CopyPlan {
  /** Our attribute the copy carries, replacing an earlier one of that name. */
  own?: OwnAttribute | undefined;
  /** Our attributes that are stale on this copy, beside {@link FAILURE_ATTRIBUTE} (always). */
  drop?: readonly string[] | undefined;
  /** The destination queue's `MaximumMessageSize`: SQS's 256 KiB unless told. */
  maxBytes?: number | undefined;
  /** On a standard queue only: a FIFO queue takes no per-message delay. */
  delaySeconds?: number | undefined;
  /** On a FIFO queue: the group when the source had none, and this copy's deduplication id. */
  fifo?: { defaultGroupId: string; deduplicationId: string } | undefined;
}

/** A copy ready to send, with what fitting it cost. */
export interface OutgoingMessage {
  request: Omit<SendMessageRequest, 'QueueUrl'>;
  /** Body and attributes, as SQS counts them against its limits. */
  bytes: number;
  /** True when the plan's optional attribute had no room and the copy goes without it. */
  ownDropped: boolean;
}

/** Whether a queue URL names a FIFO queue (no per-message delays there). */
export const isFifoQueue = (queueUrl: string): boolean => queueUrl.endsWith('.fifo');

/** The queue URL of a queue ARN, `arn:aws:sqs:{region}:{account}:{name}`; `undefined` if not one. */
export const queueUrlFromArn = (arn: string): string | undefined => {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([\w.-]+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/** A FIFO deduplication id within SQS's 128 characters: the id itself, or its SHA-256. */
export const deduplicationId = (id: string): string =>
  id.length <= 128 ? id : createHash('sha256').update(id).digest('hex');

/** Only the fields SendMessage takes: received values may carry empty list fields. */
const sendable = (value: MessageAttributeValue): MessageAttributeValue => ({
  DataType: value.DataType,
  ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
  ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
});

/**
 * Our attribute's value as sent: in SQS's character set (a character SQS refuses becomes
 * U+FFFD), and a {@link FittableJson} shortened to what `budgetBytes` leaves for it.
 */
const ownValue = (own: OwnAttribute, budgetBytes: number): MessageAttributeValue => {
  const { value } = own;
  if ('fields' in value) {
    const overhead = attributeBytes(own.name, { DataType: 'String', StringValue: '' });
    return { DataType: 'String', StringValue: fitJson(value, budgetBytes - overhead) };
  }
  return value.StringValue === undefined
    ? value
    : { ...value, StringValue: toSqsText(value.StringValue) };
};

/**
 * The attributes of a copy within SQS's limits (10 attributes, `maxBytes` with the body: the
 * destination queue's size, 256 KiB unless told): the one fitting step of every copy. Our own
 * value is made SQS text and, when given as JSON fields, shortened to what the body leaves
 * (whole when it fits). A required `own` always goes: the others keep the first nine places
 * and are all left out when they would not fit beside it. An optional `own` goes only where
 * the others leave room.
 */
export const fitAttributes = (
  body: string,
  others: Record<string, MessageAttributeValue>,
  own?: OwnAttribute,
  maxBytes: number = MAX_MESSAGE_BYTES,
): { attributes: Record<string, MessageAttributeValue>; ownDropped: boolean } => {
  if (own === undefined) return { attributes: others, ownDropped: false };
  const bodyBytes = Buffer.byteLength(body);
  const entries = Object.entries(others);
  if (own.optional) {
    const value = ownValue(own, maxBytes - bodyBytes - attributesBytes(others));
    const fits =
      entries.length < MAX_MESSAGE_ATTRIBUTES &&
      bodyBytes + attributesBytes(others) + attributeBytes(own.name, value) <= maxBytes;
    return fits
      ? { attributes: { ...others, [own.name]: value }, ownDropped: false }
      : { attributes: others, ownDropped: true };
  }
  const ours = { [own.name]: ownValue(own, maxBytes - bodyBytes) };
  const kept = Object.fromEntries(entries.slice(0, MAX_MESSAGE_ATTRIBUTES - 1));
  const fits = bodyBytes + attributesBytes(kept) + attributesBytes(ours) <= maxBytes;
  return { attributes: fits ? { ...kept, ...ours } : ours, ownDropped: false };
};

/**
 * The copy of `source` for a queue (`fifo` or standard) under `plan`: the body unchanged; the
 * source's attributes without our stale ones (the failure attribute always, the plan's `drop`,
 * an earlier `own`), fitted by {@link fitAttributes}; the trace header kept as a system
 * attribute; on a FIFO queue the source's group (or the plan's default) and the plan's
 * deduplication id, and no delay.
 */
export const buildCopy = (
  fifo: boolean,
  source: SourceMessage,
  plan: CopyPlan = {},
): OutgoingMessage => {
  const stale = new Set([FAILURE_ATTRIBUTE, ...(plan.drop ?? [])]);
  if (plan.own) stale.add(plan.own.name);
  const others = Object.fromEntries(
    Object.entries(source.messageAttributes)
      .filter(([name]) => !stale.has(name))
      .map(([name, value]) => [name, sendable(value)]),
  );
  const { attributes, ownDropped } = fitAttributes(source.body, others, plan.own, plan.maxBytes);
  return {
    request: {
      MessageBody: source.body,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
      ...(source.traceHeader
        ? {
            MessageSystemAttributes: {
              AWSTraceHeader: { DataType: 'String', StringValue: source.traceHeader },
            },
          }
        : {}),
      ...(fifo
        ? {
            MessageGroupId: source.messageGroupId ?? plan.fifo?.defaultGroupId ?? source.messageId,
            MessageDeduplicationId: deduplicationId(plan.fifo?.deduplicationId ?? source.messageId),
          }
        : plan.delaySeconds === undefined
          ? {}
          : {
              DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(plan.delaySeconds))),
            }),
    },
    bytes: Buffer.byteLength(source.body) + attributesBytes(attributes),
    ownDropped,
  };
};

/** Sends a copy of `source` ({@link buildCopy}); throws when SQS refuses: keep the source then. */
export const sendCopy = async (
  sqs: SqsSender,
  queueUrl: string,
  source: SourceMessage,
  plan: CopyPlan = {},
): Promise<void> => {
  const { SendMessageCommand } = await sqsCommands();
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      ...buildCopy(isFifoQueue(queueUrl), source, plan).request,
    }),
  );
};

/**
 * Sends `source`, body unchanged, to the dead-letter queue with `reason` attached
 * (`vpn_monitor_failure`). The DLQ takes 1 MiB, anything the source queue takes plus the
 * reason: the reason always fits (whole when it can, else shortened beside a body near the
 * limit, by {@link fitAttributes}) and the other attributes yield to it. A wait state is never
 * sent there: a replay starts a new wait. Throws when SQS refuses: the caller must then leave
 * the record for redelivery, never drop it.
 */
export const sendToDeadLetterQueue = (
  sqs: SqsSender,
  queueUrl: string,
  source: SourceMessage,
  reason: FailureReason,
): Promise<void> =>
  sendCopy(sqs, queueUrl, source, {
    own: { name: FAILURE_ATTRIBUTE, value: failureAttribute(reason) },
    drop: [WAIT_ATTRIBUTE],
    maxBytes: DEAD_LETTER_QUEUE_MAX_BYTES,
    fifo: { defaultGroupId: 'dead-letters', deduplicationId: source.messageId },
  });

/** SQS's most entries in one batch call. */
export const MAX_BATCH_ENTRIES = 10;

/** Per entry id: `undefined` when it succeeded, else why not. */
export type BatchResult = Map<string, string | undefined>;

/** Splits `items` into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/** Each id's fate in a batch call's answer; an id in neither list is not confirmed, so failed. */
const settle = (
  ids: readonly string[],
  output: {
    Successful?: { Id?: string | undefined }[] | undefined;
    Failed?: BatchResultErrorEntry[] | undefined;
  },
): BatchResult => {
  const ok = new Set(output.Successful?.map((entry) => entry.Id));
  const refused = new Map(output.Failed?.map((entry) => [entry.Id, entry]));
  return new Map(
    ids.map((id) => {
      const entry = refused.get(id);
      if (entry) return [id, `${entry.Code ?? 'Failed'}: ${entry.Message ?? 'no message'}`];
      return [id, ok.has(id) ? undefined : 'not confirmed by SQS'];
    }),
  );
};

/**
 * Sends up to 10 messages with one `SendMessageBatch`. Only entries SQS lists as `Successful`
 * count as sent; each other entry gets its reason. Throws when the whole call fails, in which
 * case none of them may be assumed sent (nor assumed not sent).
 */
export async function sendBatch(
  sqs: SqsSender,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
): Promise<BatchResult> {
  const { SendMessageBatchCommand } = await sqsCommands();
  return settle(
    entries.map((entry) => entry.Id ?? ''),
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })),
  );
}

/** Deletes up to 10 messages by receipt handle; the result is keyed by the given ids. */
export async function deleteBatch(
  sqs: SqsSender,
  queueUrl: string,
  handles: ReadonlyArray<{ id: string; receiptHandle: string }>,
): Promise<BatchResult> {
  const { DeleteMessageBatchCommand } = await sqsCommands();
  const output = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: handles.map(({ id, receiptHandle }) => ({ Id: id, ReceiptHandle: receiptHandle })),
    }),
  );
  return settle(
    handles.map(({ id }) => id),
    output,
  );
}

/** Keeps a received message out of sight `seconds` longer (its visibility timeout from now). */
export const holdMessage = async (
  sqs: SqsSender,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> => {
  const { ChangeMessageVisibilityCommand } = await sqsCommands();
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
};
