import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type {
  SQSMessageAttribute,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from 'aws-lambda';

/** Where the records come from: the queue's ARN and the region Lambda reports. */
export interface RecordSource {
  queueArn: string;
  region: string;
}

const OPTIONAL_ATTRIBUTES = [
  'AWSTraceHeader',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'DeadLetterQueueSourceArn',
] as const;

const present = <T>(value: T | undefined, what: string, messageId?: string): T => {
  if (value === undefined) {
    throw new Error(`SQS returned a message without ${what} (${messageId ?? 'no MessageId'})`);
  }
  return value;
};

const toRecordAttributes = (message: Message): SQSRecordAttributes => {
  const attributes = message.Attributes ?? {};
  const need = (name: 'ApproximateReceiveCount' | 'SentTimestamp' | 'SenderId') =>
    present(attributes[name], name, message.MessageId);
  const record: SQSRecordAttributes = {
    ApproximateReceiveCount: need('ApproximateReceiveCount'),
    SentTimestamp: need('SentTimestamp'),
    SenderId: need('SenderId'),
    ApproximateFirstReceiveTimestamp: present(
      attributes.ApproximateFirstReceiveTimestamp,
      'ApproximateFirstReceiveTimestamp',
      message.MessageId,
    ),
  };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const value = attributes[name];
    if (value !== undefined) record[name] = value;
  }
  return record;
};

/** Lambda's shape: camelCase, binary as base64, the two list fields always empty arrays. */
const toRecordAttribute = (value: MessageAttributeValue): SQSMessageAttribute => {
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) {
    attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  }
  return attribute;
};

/**
 * Turns a message from `ReceiveMessage` (asked with `MessageSystemAttributeNames: ['All']` and
 * `MessageAttributeNames: ['All']`) into the `SQSRecord` Lambda's event source mapping builds.
 */
export const toSqsRecord = (message: Message, source: RecordSource): SQSRecord => {
  const messageId = present(message.MessageId, 'MessageId');
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toRecordAttribute(value);
  }
  const record: SQSRecord = {
    messageId,
    receiptHandle: present(message.ReceiptHandle, 'ReceiptHandle', messageId),
    body: present(message.Body, 'Body', messageId),
    attributes: toRecordAttributes(message),
    messageAttributes,
    md5OfBody: present(message.MD5OfBody, 'MD5OfBody', messageId),
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
  if (message.MD5OfMessageAttributes !== undefined) {
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  }
  return record;
};
