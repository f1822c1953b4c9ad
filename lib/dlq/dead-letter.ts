import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** The one message attribute that carries why a message was dead-lettered, as compact JSON. */
export const FAILURE_ATTRIBUTE = 'vpn_monitor_failure';

/** SQS allows 10 attributes a message; ours takes one of them. */
const MAX_ATTRIBUTES = 10;
/** SQS's limit for body plus attributes. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** Why a message ended in the dead-letter queue; the JSON of {@link FAILURE_ATTRIBUTE}. */
export interface FailureReason {
  /**
   * `invalid-input`, `unknown-project` (no account of the accounts document owns the project,
   * or the event's account is another), `rejected` (Huawei said no for good), or
   * `retries-exhausted`.
   */
  kind: 'invalid-input' | 'unknown-project' | 'rejected' | 'retries-exhausted';
  message: string;
  code?: string | undefined;
  status?: number | undefined;
  request_id?: string | undefined;
  attempts: number;
  receive_count: number;
  source_message_id: string;
  vpn_connection_id?: string | undefined;
  project_id?: string | undefined;
  failed_at: string;
}

/** A message as it was received, enough to send it on unchanged. */
export interface DeadLetterSource {
  messageId: string;
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  messageGroupId?: string | undefined;
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

const attributesSize = (attributes: Record<string, MessageAttributeValue>): number =>
  Object.entries(attributes).reduce(
    (sum, [name, value]) =>
      sum +
      byteLength(name) +
      byteLength(value.DataType ?? '') +
      byteLength(value.StringValue ?? '') +
      (value.BinaryValue?.byteLength ?? 0),
    0,
  );

/**
 * Sends the message, body unchanged, to the dead-letter queue with the reason attached. The
 * original attributes are kept where SQS's limits allow (10 attributes, 256 KB in all); the
 * reason always fits, its message cut to 1 KB. Throws when SQS refuses: the caller must then
 * leave the record for redelivery, never drop it.
 */
export const sendToDeadLetterQueue = async (
  sqs: SQSClient,
  queueUrl: string,
  source: DeadLetterSource,
  reason: FailureReason,
): Promise<void> => {
  const failure: MessageAttributeValue = {
    DataType: 'String',
    StringValue: JSON.stringify({ ...reason, message: reason.message.slice(0, 1024) }),
  };
  const kept = Object.entries(source.messageAttributes).filter(
    ([name]) => name !== FAILURE_ATTRIBUTE,
  );
  let attributes: Record<string, MessageAttributeValue> = Object.fromEntries(
    kept.slice(0, MAX_ATTRIBUTES - 1),
  );
  const ours = { [FAILURE_ATTRIBUTE]: failure };
  if (
    byteLength(source.body) + attributesSize(attributes) + attributesSize(ours) >
    MAX_MESSAGE_BYTES
  )
    attributes = {};
  const fifo = queueUrl.endsWith('.fifo');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: source.body,
      MessageAttributes: { ...attributes, ...ours },
      ...(fifo
        ? {
            MessageGroupId: source.messageGroupId ?? 'dead-letters',
            MessageDeduplicationId: source.messageId,
          }
        : {}),
    }),
  );
};
