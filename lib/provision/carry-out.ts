import {
  holdMessage,
  REQUEUE_ATTRIBUTE,
  readRequeueCount,
  requeueAttribute,
  sendCopy,
  sendToDeadLetterQueue,
  WAIT_ATTRIBUTE,
  waitAttribute,
} from '../queue/index.ts';
import { type Action, withFacts } from './settlement.ts';
import type { ConnectionOutcome, MessageOutcome, ProvisionerDeps, QueueMessage } from './types.ts';

/**
 * The executor of settlement: carries out one message's {@link Action} and tells what became of
 * it. Every effect of settling is here: the visibility hold, the delayed copy or requeue (sent
 * before the message is acknowledged, so if the function dies between the two both come back
 * and the second is absorbed as a duplicate), and the DLQ. A failed effect never loses the
 * message: a copy or DLQ send that SQS refuses leaves it for redelivery (or the action's
 * `otherwise`); a refused hold leaves it to the queue's visibility timeout.
 */
export const createExecutor = (deps: Pick<ProvisionerDeps, 'config' | 'log' | 'sqs' | 'now'>) => {
  const { config, log, sqs } = deps;
  const now = deps.now ?? Date.now;

  const hold = async (message: QueueMessage, seconds: number): Promise<void> => {
    if (message.queueUrl === undefined || message.receiptHandle === undefined) return;
    try {
      await holdMessage(sqs, message.queueUrl, message.receiptHandle, seconds);
    } catch (error) {
      log.warn('Could not hold the message back; it returns after the visibility timeout', {
        messageId: message.messageId,
        error,
      });
    }
  };

  /** A delayed copy with its wait state, or a throttled requeue counted in its attribute. */
  const copy = async (
    message: QueueMessage,
    action: Extract<Action, { do: 'send-copy' }>,
  ): Promise<void> => {
    const queueUrl = message.queueUrl;
    if (queueUrl === undefined) throw new Error('The message has no queue to be copied to');
    const requeues = readRequeueCount(message.messageAttributes) + 1;
    await sendCopy(sqs, queueUrl, message, {
      own: action.wait
        ? { name: WAIT_ATTRIBUTE, value: waitAttribute(action.wait) }
        : { name: REQUEUE_ATTRIBUTE, value: requeueAttribute(requeues), optional: true },
      delaySeconds: action.delaySeconds,
      fifo: {
        defaultGroupId: message.messageId,
        deduplicationId: `${message.messageId}.requeue.${requeues}`,
      },
    });
  };

  const carryOut = async (
    message: QueueMessage,
    action: Action,
    base: Omit<MessageOutcome, 'status'>,
  ): Promise<MessageOutcome> => {
    switch (action.do) {
      case 'acknowledge':
        return { ...base, status: action.status };
      case 'retry-later':
        if (action.holdSeconds !== undefined) await hold(message, action.holdSeconds);
        log.info('Message left for redelivery', {
          messageId: message.messageId,
          vpnConnectionId: base.vpnConnectionId,
          reason: action.reason,
          holdSeconds: action.holdSeconds,
        });
        return { ...base, status: 'retry-later', reason: action.reason };
      case 'send-copy':
        try {
          await copy(message, action);
        } catch (error) {
          log.warn('Could not send the copy of the message', {
            messageId: message.messageId,
            error,
          });
          return carryOut(message, action.otherwise, base);
        }
        log.info('Message sent again, delayed', {
          messageId: message.messageId,
          delaySeconds: action.delaySeconds,
          tries: action.wait?.tries,
        });
        return {
          ...base,
          status: 'postponed',
          delaySeconds: action.delaySeconds,
          ...(action.reason === undefined ? {} : { reason: action.reason }),
        };
      case 'dead-letter': {
        const failure = withFacts({ ...message, now: now() }, action.draft);
        try {
          await sendToDeadLetterQueue(sqs, config.deadLetterQueueUrl, message, failure);
        } catch (error) {
          log.error('Could not send to the dead-letter queue; the message will be redelivered', {
            messageId: message.messageId,
            error,
          });
          return { ...base, status: 'retry-later', reason: 'dead-letter send failed' };
        }
        log.warn('Message sent to the dead-letter queue', {
          messageId: message.messageId,
          failure,
        });
        return {
          ...base,
          status: 'dead-lettered',
          failure,
          vpnConnectionId: action.draft.vpn_connection_id,
        };
      }
    }
  };

  /** Carries out `action` for `message`, whose connections ended as `parts`. */
  return (
    message: QueueMessage,
    action: Action,
    parts: readonly ConnectionOutcome[],
  ): Promise<MessageOutcome> =>
    carryOut(message, action, {
      messageId: message.messageId,
      vpnConnectionId: parts[0]?.vpnConnectionId,
      connections: parts,
      retries: parts.flatMap((part) => part.retries),
    });
};
