import { type FailureReason, sendToDeadLetterQueue } from '../dlq/dead-letter.ts';
import {
  ConnectionNotReadyError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  MonitorRefusedError,
} from '../errors.ts';
import type { ConnectionCreated } from '../events/parse.ts';
import { decide } from '../retry/policy.ts';
import { RetryExhaustedError } from '../retry/with-retry.ts';
import {
  eventTimeOf,
  isFifoQueue,
  nextDelaySeconds,
  postpone,
  readWaitState,
  sendDelayedCopy,
  type WaitState,
} from './postpone.ts';
import type { MessageOutcome, ProvisionerDeps, QueueMessage } from './types.ts';

/** A failure reason before the message's own facts are added. */
export type ReasonDraft = Omit<FailureReason, 'source_message_id' | 'receive_count' | 'failed_at'>;

/** The first Huawei answer in a chain of causes: the code and request id a reason carries. */
const huaweiAnswerOf = (error: unknown): HuaweiApiError | undefined => {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HuaweiApiError) return e;
  }
  return undefined;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Decides what a failed message becomes, and does it: dead-lettered with the reason (never
 * retried, or on its last delivery), postponed (the connection is not ready: a delayed copy
 * is sent), or left for redelivery. A message whose dead-letter send or copy fails is left
 * for redelivery: nothing is lost.
 */
export const createFailureSettlement = (deps: ProvisionerDeps) => {
  const { config, log, sqs } = deps;
  const now = deps.now ?? Date.now;

  const deadLetter = async (
    message: QueueMessage,
    draft: ReasonDraft,
    retries: readonly string[],
  ): Promise<MessageOutcome> => {
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

  /**
   * The connection is not ready: ask again later, in time. A delayed copy goes to the source
   * queue and this record is reported done, so Lambda deletes it only after SQS confirmed the
   * copy. If the function dies between the two, both come back; the second to run finds the
   * connection's idempotency record (or its monitor) and is absorbed as a duplicate. Past
   * `NOT_READY_MAX_WAIT_SECONDS` from the first sighting: dead-lettered, `not-ready-timeout`.
   */
  const waitForConnection = async (
    message: QueueMessage,
    event: ConnectionCreated,
    notReady: ConnectionNotReadyError,
    retries: readonly string[],
  ): Promise<MessageOutcome> => {
    const base = { messageId: message.messageId, vpnConnectionId: event.vpnConnectionId, retries };
    const previous = readWaitState(message.messageAttributes);
    const at = now();
    const firstSeen = previous === undefined ? at : Date.parse(previous.first_seen);
    const tries = (previous?.tries ?? 0) + 1;
    const budgetLeftMs = config.notReadyMaxWaitSeconds * 1000 - (at - firstSeen);
    const answer = huaweiAnswerOf(notReady);
    if (budgetLeftMs <= 0) {
      return deadLetter(
        message,
        {
          kind: 'not-ready-timeout',
          message: `connection still not ready after ${Math.round((at - firstSeen) / 1000)} s and ${tries} looks (NOT_READY_MAX_WAIT_SECONDS ${config.notReadyMaxWaitSeconds}): ${notReady.message}`,
          code: answer?.code,
          status: answer?.status,
          request_id: answer?.requestId,
          connection_status: notReady.connectionStatus,
          attempts: tries,
          vpn_connection_id: event.vpnConnectionId,
          project_id: event.projectId,
        },
        retries,
      );
    }
    const delaySeconds = nextDelaySeconds(tries, config.notReadyDelaySeconds, budgetLeftMs / 1000);
    const queueUrl = message.queueUrl;
    if (queueUrl === undefined || isFifoQueue(queueUrl)) {
      // No copy possible: hold the record back instead; each wait then costs a delivery.
      if (queueUrl !== undefined && message.receiptHandle !== undefined) {
        await postpone(sqs, queueUrl, message.receiptHandle, delaySeconds).catch((error: unknown) =>
          log.warn('Could not postpone the message', { messageId: message.messageId, error }),
        );
      }
      log.warn('Connection not ready; left for redelivery (no delayed copy on this queue)', {
        ...base,
        queueUrl,
        connectionStatus: notReady.connectionStatus,
      });
      return { ...base, status: 'retry-later', reason: decide(notReady).reason };
    }
    const eventTime = eventTimeOf(message);
    const wait: WaitState = {
      first_seen: iso(firstSeen),
      ...(eventTime === undefined ? {} : { event_time: iso(eventTime) }),
      tries,
      last_status: notReady.connectionStatus,
    };
    try {
      await sendDelayedCopy(sqs, queueUrl, message, wait, delaySeconds);
    } catch (error) {
      log.warn('Could not send the delayed copy; the message will be redelivered', {
        ...base,
        error,
      });
      return { ...base, status: 'retry-later', reason: 'delayed copy not sent' };
    }
    log.info('Connection not ready; asking again later', {
      ...base,
      connectionStatus: notReady.connectionStatus,
      delaySeconds,
      tries,
    });
    return { ...base, status: 'postponed', delaySeconds };
  };

  const settle = async (
    message: QueueMessage,
    event: ConnectionCreated,
    error: unknown,
    retries: readonly string[],
  ): Promise<MessageOutcome> => {
    const cause = error instanceof RetryExhaustedError ? error.cause : error;
    const decision = error instanceof RetryExhaustedError ? error.decision : decide(error);
    const lastReceive = message.receiveCount >= config.maxReceiveCount;
    const base = { messageId: message.messageId, vpnConnectionId: event.vpnConnectionId, retries };
    if (cause instanceof Error && cause.name === 'IdempotencyAlreadyInProgressError') {
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
    if (cause instanceof ConnectionNotReadyError)
      return waitForConnection(message, event, cause, retries);
    if (decision.disposition === 'give-up' || lastReceive) {
      // Records stopped after another record's refusal carry that refusal's code too.
      const refusal = cause instanceof HuaweiCallsStoppedError ? cause.cause : cause;
      const api = huaweiAnswerOf(refusal);
      return deadLetter(
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
    log.warn('Message left for redelivery', { ...base, reason: decision.reason, error: cause });
    return { ...base, status: 'retry-later', reason: decision.reason };
  };

  return { settle, deadLetter };
};
