import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS's longest visibility timeout is 12 hours; we never wait more than 15 minutes. */
const MAX_POSTPONE_SECONDS = 900;

/**
 * How long a record about a connection that is not ready yet stays invisible: `base` seconds
 * after its first delivery, doubling with each further one, at most 15 minutes.
 */
export const postponeSeconds = (receiveCount: number, baseSeconds: number): number =>
  Math.min(MAX_POSTPONE_SECONDS, baseSeconds * 2 ** Math.max(0, Math.min(receiveCount - 1, 20)));

/** The queue URL of a queue ARN, `arn:aws:sqs:{region}:{account}:{name}`; `undefined` if not one. */
export const queueUrlFromArn = (arn: string): string | undefined => {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([\w.-]+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/**
 * Keeps a message invisible for `seconds` before SQS redelivers it, so a connection that is
 * still being created is asked about again later instead of being hammered. Throws when SQS
 * refuses; the message then simply comes back after the queue's visibility timeout.
 */
export const postpone = async (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> => {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
};
