import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS's longest visibility timeout is 12 hours; we never wait more than 15 minutes. */
const MAX_POSTPONE_SECONDS = 900;

/**
 * How long a record about a connection that is not ready yet stays invisible: `base` seconds
 * after its first delivery, doubling with each further one, at most 15 minutes.
 */
export const postponeSeconds = (receiveCount: number, baseSeconds: number): number =>
  Math.min(MAX_POSTPONE_SECONDS, baseSeconds * 2 ** Math.max(0, Math.min(receiveCount - 1, 20)));

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
    : Math.min(MAX_POSTPONE_SECONDS, Math.max(1, Math.ceil((retryAt - now) / 1000) + 2));

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
