import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SqsSender } from '../aws/lazy-sqs.ts';
import type { QueueMessage } from './types.ts';

/** How many times a message was sent again as a delayed copy: `vpn_monitor_requeues`. */
const REQUEUE_ATTRIBUTE = 'vpn_monitor_requeues';
/** SQS allows 10 attributes a message. */
const MAX_ATTRIBUTES = 10;

/** How many times this message was requeued before; 0 for an original. */
const requeueCount = (message: QueueMessage): number =>
  Number(message.messageAttributes[REQUEUE_ATTRIBUTE]?.StringValue ?? 0) || 0;

/**
 * Sends a copy of the message back to its queue, invisible for `delaySeconds`, with its
 * attributes and a requeue counter. Used where a delivery must not be burnt: a message on its
 * last delivery that is only waiting for Huawei's rate limit. The caller acknowledges the
 * original only after this resolved, so the message is never lost. A FIFO queue has no
 * per-message delay: the copy goes to its group at once.
 */
export const requeueCopy = async (
  sqs: SqsSender,
  message: QueueMessage,
  delaySeconds: number,
): Promise<void> => {
  const queueUrl = message.queueUrl;
  if (queueUrl === undefined) throw new Error('The message has no queue to be requeued to');
  const attributes: Record<string, MessageAttributeValue> = { ...message.messageAttributes };
  if (REQUEUE_ATTRIBUTE in attributes || Object.keys(attributes).length < MAX_ATTRIBUTES) {
    attributes[REQUEUE_ATTRIBUTE] = {
      DataType: 'Number',
      StringValue: String(requeueCount(message) + 1),
    };
  }
  const fifo = message.messageGroupId !== undefined;
  // A failure path: the SQS SDK is loaded on first use, not at a cold start.
  const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      MessageAttributes: attributes,
      ...(fifo
        ? {
            MessageGroupId: message.messageGroupId,
            MessageDeduplicationId: `${message.messageId}.requeue.${requeueCount(message) + 1}`,
          }
        : { DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))) }),
    }),
  );
};
