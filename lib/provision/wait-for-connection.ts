import { type ConnectionNotReadyError, HuaweiApiError } from '../errors.ts';
import type { ConnectionCreated } from '../events/parse.ts';
import { decide } from '../retry/policy.ts';
import {
  eventTimeOf,
  isFifoQueue,
  nextDelaySeconds,
  postpone,
  readWaitState,
  sendDelayedCopy,
  type WaitState,
} from './postpone.ts';
import type { ReasonDraft } from './settle-failure.ts';
import type { MessageOutcome, ProvisionerDeps, QueueMessage } from './types.ts';

/** The first Huawei answer in a chain of causes: the code and request id a reason carries. */
export const huaweiAnswerOf = (error: unknown): HuaweiApiError | undefined => {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HuaweiApiError) return e;
  }
  return undefined;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * What becomes of a record whose connection is not ready: a delayed copy, the fallback hold,
 * or the DLQ once the wait is over. `deadLetter` is the settlement's own.
 */
export const createConnectionWait = (
  deps: ProvisionerDeps,
  deadLetter: (
    message: QueueMessage,
    draft: ReasonDraft,
    retries: readonly string[],
  ) => Promise<MessageOutcome>,
) => {
  const { config, log, sqs } = deps;
  const now = deps.now ?? Date.now;

  /**
   * The connection is not ready: ask again later, in time. A delayed copy goes to the source
   * queue and this record is reported done, so Lambda deletes it only after SQS confirmed the
   * copy. If the function dies between the two, both come back; the second to run finds the
   * connection's idempotency record (or its monitor) and is absorbed as a duplicate. Past
   * `NOT_READY_MAX_WAIT_SECONDS` from the first sighting: dead-lettered, `not-ready-timeout`.
   */
  return async (
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
    const notReadyDraft = (why: string): ReasonDraft => ({
      kind: 'retries-exhausted',
      message: `connection not ready (${notReady.connectionStatus}) on the last delivery, ${why}: ${notReady.message}`,
      code: answer?.code,
      status: answer?.status,
      request_id: answer?.requestId,
      connection_status: notReady.connectionStatus,
      attempts: tries,
      vpn_connection_id: event.vpnConnectionId,
      project_id: event.projectId,
    });
    const lastReceive = message.receiveCount >= config.maxReceiveCount;
    const queueUrl = message.queueUrl;
    if (queueUrl === undefined || isFifoQueue(queueUrl)) {
      // No copy possible: hold the record back instead; each wait then costs a delivery.
      if (lastReceive)
        return deadLetter(message, notReadyDraft('no delayed copy possible'), retries);
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
      log.warn('Could not send the delayed copy', { ...base, error, lastReceive });
      // On the last delivery SQS would move it without a reason: say why instead.
      if (lastReceive)
        return deadLetter(message, notReadyDraft('the delayed copy failed'), retries);
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
};
