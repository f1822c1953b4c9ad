import { type FailureReason, sendToDeadLetterQueue } from '../dlq/dead-letter.ts';
import {
  ConnectionNotReadyError,
  CredentialsBreakerOpenError,
  HuaweiCallsStoppedError,
  huaweiAnswerOf,
  MonitorRefusedError,
  ThrottledOutError,
} from '../errors.ts';
import type { ConnectionCreated } from '../events/parse.ts';
import { decide } from '../retry/policy.ts';
import { lastFailure, RetryExhaustedError } from '../retry/with-retry.ts';
import { isInProgressElsewhere } from './last-delivery.ts';
import { breakerWaitSeconds, postpone, throttledWaitSeconds } from './postpone.ts';
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
 * Decides what a failed connection becomes, and does it: dead-lettered with the reason (never
 * retried, or on its last delivery), `not-ready` (Huawei's state says wait: the message
 * settlement sends one delayed copy of the message, see `wait-for-connection.ts`), or left for
 * redelivery. A message whose dead-letter send fails is left for redelivery: nothing is lost.
 * `settle` takes another `deadLetterWith` for a message of several connections, which is
 * dead-lettered once, after all of them.
 */
export const createFailureSettlement = (deps: ProvisionerDeps) => {
  const { config, log, sqs } = deps;
  const now = deps.now ?? Date.now;

  const deadLetter = async (
    message: QueueMessage,
    draft: ReasonDraft,
    retries: readonly string[],
  ): Promise<ConnectionOutcome> => {
    const failure: FailureReason = {
      ...draft,
      source_message_id: message.messageId,
      receive_count: message.receiveCount,
      failed_at: new Date(now()).toISOString(),
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

  // Throttled and breaker-stopped records come back later without a copy: their wait is short
  // (throttled) or bounded by the breaker, so a delivery or two of the budget is theirs to use.
  const postponeIfPossible = async (
    message: QueueMessage,
    seconds: number,
  ): Promise<number | undefined> => {
    if (!message.queueUrl || !message.receiptHandle) return undefined;
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
    if (isInProgressElsewhere(cause)) {
      // Another invocation holds this connection now. On our last delivery we waited for it
      // (runWaitingForOthers) until the budget ran out: if it dies now nobody would publish,
      // so the message goes to the DLQ with the reason; a replay after the other finished is
      // absorbed as a duplicate.
      log.info('Connection in progress in another invocation', { ...base, lastReceive });
      if (!lastReceive) {
        return {
          ...base,
          status: 'retry-later',
          reason: 'connection in progress in another invocation',
        };
      }
      return deadLetterWith(
        message,
        {
          kind: 'retries-exhausted',
          message:
            'another invocation still held this connection at the last delivery: replay this message (it is absorbed as a duplicate if that invocation published the event)',
          attempts: 0,
          vpn_connection_id: event.vpnConnectionId,
          project_id: event.projectId,
        },
        retries,
      );
    }
    if (decision.category === 'throttled' && decision.disposition !== 'give-up') {
      // Throttling alone never dead-letters: the record waits until the limit has room again
      // (jittered, so the fleet's records do not come back together); on its last delivery its message is sent
      // again as a delayed copy instead (createMessageSettlement), once for all its connections.
      const seconds = throttledWaitSeconds(
        cause instanceof ThrottledOutError ? cause.retryAt : undefined,
        config.throttlePauseMs,
        now(),
      );
      if (lastReceive && message.queueUrl !== undefined) {
        return {
          ...base,
          status: 'retry-later',
          reason: decision.reason,
          requeueAfterSeconds: seconds,
        };
      }
      const delaySeconds = lastReceive ? undefined : await postponeIfPossible(message, seconds);
      log.info('Throttled: left for redelivery', { ...base, delaySeconds });
      return { ...base, status: 'retry-later', reason: decision.reason };
    }
    // Waiting is measured in time, not deliveries: the last delivery does not end it.
    if (cause instanceof ConnectionNotReadyError)
      return { ...base, status: 'not-ready', reason: decision.reason, notReady: cause };
    if (decision.disposition === 'give-up' || lastReceive) {
      // Records stopped after another record's refusal carry that refusal's code too.
      const refusal = cause instanceof HuaweiCallsStoppedError ? cause.cause : cause;
      const api = huaweiAnswerOf(refusal);
      return deadLetterWith(
        message,
        {
          kind: decision.disposition === 'give-up' ? 'rejected' : 'retries-exhausted',
          message: `${decision.reason}: ${cause instanceof Error ? cause.message : String(cause)}`,
          code: api?.code,
          status: api?.status,
          request_id: api?.requestId,
          connection_status:
            cause instanceof MonitorRefusedError ? cause.connectionStatus : undefined,
          attempts: error instanceof RetryExhaustedError ? error.attempts : 1,
          vpn_connection_id: event.vpnConnectionId,
          project_id: event.projectId,
        },
        retries,
      );
    }
    const delaySeconds =
      // A breaker held open (no probe is coming) leaves its records to the queue's own
      // visibility timeout, and so to the DLQ with the reason after the last delivery.
      cause instanceof CredentialsBreakerOpenError && cause.retryAt !== undefined
        ? await postponeIfPossible(message, breakerWaitSeconds(cause.retryAt))
        : undefined;
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
