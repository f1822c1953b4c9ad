import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { type FailureReason, sendToDeadLetterQueue } from '../dlq/dead-letter.ts';
import { HuaweiApiError, HuaweiCallsStoppedError } from '../errors.ts';
import type { ConnectionCreated } from '../events/parse.ts';
import { decide } from '../retry/policy.ts';
import { lastFailure, RetryExhaustedError } from '../retry/with-retry.ts';
import { postpone, postponeSeconds } from './postpone.ts';
import type { ConnectionOutcome, ProvisionerDeps, QueueMessage } from './types.ts';

/** A failure reason before the message's own facts are added. */
export type ReasonDraft = Omit<FailureReason, 'source_message_id' | 'receive_count' | 'failed_at'>;

/** Dead-letters a message with a reason, or, for a message of several connections, notes it. */
export type DeadLetter = (
  message: QueueMessage,
  draft: ReasonDraft,
  retries: readonly string[],
) => Promise<ConnectionOutcome>;

/**
 * Decides what a failed message becomes, and does it: dead-lettered with the reason (never
 * retried, or on its last delivery), postponed (the connection is not ready), or left for
 * redelivery. A message whose dead-letter send fails is left for redelivery: nothing is lost.
 * `settle` takes another `deadLetterWith` for a message of several connections, which is
 * dead-lettered once, after all of them.
 */
export const createFailureSettlement = (deps: ProvisionerDeps) => {
  const { config, log, sqs } = deps;

  const deadLetter = async (
    message: QueueMessage,
    draft: ReasonDraft,
    retries: readonly string[],
  ): Promise<ConnectionOutcome> => {
    const failure: FailureReason = {
      ...draft,
      source_message_id: message.messageId,
      receive_count: message.receiveCount,
      failed_at: new Date().toISOString(),
    };
    try {
      await sendToDeadLetterQueue(sqs, config.deadLetterQueueUrl, message, failure);
      log.warn('Message sent to the dead-letter queue', { messageId: message.messageId, failure });
      return {
        messageId: message.messageId,
        status: 'dead-lettered',
        failure,
        retries,
        vpnConnectionId: draft.vpn_connection_id,
      };
    } catch (error) {
      log.error('Could not send to the dead-letter queue; the message will be redelivered', {
        messageId: message.messageId,
        error,
      });
      return {
        messageId: message.messageId,
        status: 'retry-later',
        reason: 'dead-letter send failed',
        retries,
      };
    }
  };

  const postponeIfPossible = async (message: QueueMessage): Promise<number | undefined> => {
    if (!message.queueUrl || !message.receiptHandle) return undefined;
    const seconds = postponeSeconds(message.receiveCount, config.notReadyDelaySeconds);
    try {
      await postpone(sqs, message.queueUrl, message.receiptHandle, seconds);
      return seconds;
    } catch (error) {
      log.warn('Could not postpone the message; it returns after the visibility timeout', {
        messageId: message.messageId,
        error,
      });
      return undefined;
    }
  };

  const settle = async (
    message: QueueMessage,
    event: ConnectionCreated,
    error: unknown,
    retries: readonly string[],
    deadLetterWith: DeadLetter = deadLetter,
  ): Promise<ConnectionOutcome> => {
    const cause = lastFailure(error);
    const decision = error instanceof RetryExhaustedError ? error.decision : decide(error);
    const lastReceive = message.receiveCount >= config.maxReceiveCount;
    const base = { messageId: message.messageId, vpnConnectionId: event.vpnConnectionId, retries };
    if (cause instanceof IdempotencyAlreadyInProgressError) {
      // Another invocation holds this connection now, and its own message stays queued until it
      // succeeds; on our last delivery we leave the connection to it rather than dead-letter.
      log.info('Connection in progress in another invocation', { ...base, lastReceive });
      return lastReceive
        ? { ...base, status: 'duplicate' }
        : {
            ...base,
            status: 'retry-later',
            reason: 'connection in progress in another invocation',
          };
    }
    if (decision.disposition === 'give-up' || lastReceive) {
      // Records stopped after another record's refusal carry that refusal's code too.
      const refusal = cause instanceof HuaweiCallsStoppedError ? cause.cause : cause;
      const api = refusal instanceof HuaweiApiError ? refusal : undefined;
      return deadLetterWith(
        message,
        {
          kind: decision.disposition === 'give-up' ? 'rejected' : 'retries-exhausted',
          message: `${decision.reason}: ${cause instanceof Error ? cause.message : String(cause)}`,
          code: api?.code,
          status: api?.status,
          request_id: api?.requestId,
          attempts: error instanceof RetryExhaustedError ? error.attempts : 1,
          vpn_connection_id: event.vpnConnectionId,
          project_id: event.projectId,
        },
        retries,
      );
    }
    const delaySeconds = decision.postpone ? await postponeIfPossible(message) : undefined;
    log.warn('Message left for redelivery', {
      ...base,
      reason: decision.reason,
      delaySeconds,
      error: cause,
    });
    return { ...base, status: 'retry-later', reason: decision.reason };
  };

  return { settle, deadLetter };
};
