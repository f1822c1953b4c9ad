import { huaweiAnswerOf } from '../errors.ts';
import {
  eventTimeOf,
  isFifoQueue,
  nextDelaySeconds,
  postpone,
  readWaitState,
  sendDelayedCopy,
  type WaitState,
} from './postpone.ts';
import type { DeadLetter, ReasonDraft } from './settle-failure.ts';
import type { ConnectionOutcome, MessageOutcome, ProvisionerDeps, QueueMessage } from './types.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** What waiting made of a message: postponed, dead-lettered, or left for redelivery. */
export type WaitOutcome = Omit<MessageOutcome, 'connections'>;

/**
 * What becomes of a message with connections that are not ready: one delayed copy of the
 * message, the fallback hold, or the DLQ once the wait is over. `deadLetter` sends the
 * message to the DLQ.
 */
export const createConnectionWait = (
  deps: Pick<ProvisionerDeps, 'config' | 'log' | 'sqs' | 'now'>,
  deadLetter: DeadLetter,
) => {
  const { config, log, sqs } = deps;
  const now = deps.now ?? Date.now;

  /**
   * Asks again later, in time. A delayed copy of the message goes to the source queue and the
   * message is reported done, so Lambda deletes it only after SQS confirmed the copy. If the
   * function dies between the two, both come back; the second to run finds the connection's
   * idempotency record (or its monitor) and is absorbed as a duplicate. Past
   * `NOT_READY_MAX_WAIT_SECONDS` from the first sighting: dead-lettered, `not-ready-timeout`.
   * The connections of the message that are done are duplicates when the copy comes back.
   */
  return async (
    message: QueueMessage,
    waiting: readonly ConnectionOutcome[],
    retries: readonly string[],
  ): Promise<WaitOutcome> => {
    const base = { messageId: message.messageId, vpnConnectionId: waiting[0]?.vpnConnectionId };
    const first = waiting.find((part) => part.notReady !== undefined)?.notReady;
    if (first === undefined) {
      // Not reachable through the settlement, which passes only `not-ready` parts.
      return { ...base, status: 'retry-later', reason: 'nothing to wait for', retries };
    }
    const previous = readWaitState(message.messageAttributes);
    const at = now();
    const firstSeen = previous === undefined ? at : Date.parse(previous.first_seen);
    const tries = (previous?.tries ?? 0) + 1;
    const budgetLeftMs = config.notReadyMaxWaitSeconds * 1000 - (at - firstSeen);
    const answer = huaweiAnswerOf(first);
    const statuses = waiting
      .map((part) => `${part.vpnConnectionId}: ${part.notReady?.connectionStatus ?? 'not ready'}`)
      .join(', ');
    const draft = (kind: ReasonDraft['kind'], why: string): ReasonDraft => ({
      kind,
      message: `${why} (${statuses}): ${first.message}`,
      code: answer?.code,
      status: answer?.status,
      request_id: answer?.requestId,
      connection_status: first.connectionStatus,
      attempts: tries,
      vpn_connection_id: base.vpnConnectionId,
      project_id: first.projectId,
    });
    if (budgetLeftMs <= 0) {
      const waited = Math.round((at - firstSeen) / 1000);
      return deadLetter(
        message,
        draft(
          'not-ready-timeout',
          `connection still not ready after ${waited} s and ${tries} looks (NOT_READY_MAX_WAIT_SECONDS ${config.notReadyMaxWaitSeconds})`,
        ),
        retries,
      );
    }
    const delaySeconds = nextDelaySeconds(tries, config.notReadyDelaySeconds, budgetLeftMs / 1000);
    const lastReceive = message.receiveCount >= config.maxReceiveCount;
    const queueUrl = message.queueUrl;
    if (queueUrl === undefined || isFifoQueue(queueUrl)) {
      // No copy possible: hold the message back instead; each wait then costs a delivery.
      if (lastReceive)
        return deadLetter(
          message,
          draft('retries-exhausted', 'not ready on the last delivery; no delayed copy possible'),
          retries,
        );
      if (queueUrl !== undefined && message.receiptHandle !== undefined) {
        await postpone(sqs, queueUrl, message.receiptHandle, delaySeconds).catch((error: unknown) =>
          log.warn('Could not postpone the message', { messageId: message.messageId, error }),
        );
      }
      log.warn('Connection not ready; left for redelivery (no delayed copy on this queue)', {
        ...base,
        queueUrl,
        statuses,
      });
      return {
        ...base,
        status: 'retry-later',
        reason: `connection not ready (${statuses})`,
        retries,
      };
    }
    const eventTime = eventTimeOf(message);
    const wait: WaitState = {
      first_seen: iso(firstSeen),
      ...(eventTime === undefined ? {} : { event_time: iso(eventTime) }),
      tries,
      last_status: first.connectionStatus,
    };
    try {
      await sendDelayedCopy(sqs, queueUrl, message, wait, delaySeconds);
    } catch (error) {
      log.warn('Could not send the delayed copy', { ...base, error, lastReceive });
      // On the last delivery SQS would move it without a reason: say why instead.
      if (lastReceive)
        return deadLetter(
          message,
          draft('retries-exhausted', 'not ready on the last delivery; the delayed copy failed'),
          retries,
        );
      return { ...base, status: 'retry-later', reason: 'delayed copy not sent', retries };
    }
    log.info('Connection not ready; asking again later', {
      ...base,
      statuses,
      delaySeconds,
      tries,
    });
    return { ...base, status: 'postponed', delaySeconds, retries };
  };
};
