import type { FailureReason } from '../dlq/dead-letter.ts';
import type { DeadLetter, ReasonDraft } from './settle-failure.ts';
import type { ConnectionOutcome, MessageOutcome, QueueMessage } from './types.ts';

/** Success statuses, best first: a message's status is the best of its connections'. */
export const HANDLED: readonly ConnectionOutcome['status'][] = [
  'created',
  'already_existed',
  'duplicate',
];

/** A failure reason with the facts of the message it is about. */
export const withFacts = (message: QueueMessage, draft: ReasonDraft): FailureReason => ({
  ...draft,
  source_message_id: message.messageId,
  receive_count: message.receiveCount,
  failed_at: new Date().toISOString(),
});

/** A failure reason without the facts of its message, to give it another message's. */
export const toDraft = ({
  source_message_id: _,
  receive_count: __,
  failed_at: ___,
  ...draft
}: FailureReason): ReasonDraft => draft;

/**
 * The one reason a message is dead-lettered with: its connection's, or, for a message of
 * several, the first failure's code with every failed connection named in the message.
 */
const combinedReason = (
  first: FailureReason,
  failed: readonly FailureReason[],
  total: number,
): ReasonDraft => {
  if (total === 1) return toDraft(first);
  const named = failed.map((f) => `${f.vpn_connection_id ?? 'unknown connection'}: ${f.message}`);
  const rest =
    failed.length < total ? '; the others were handled and are duplicates on replay' : '';
  return {
    ...toDraft(first),
    message: `${failed.length} of ${total} connections failed: ${named.join('; ')}${rest}`,
    attempts: Math.max(...failed.map((f) => f.attempts)),
  };
};

/**
 * Makes the worst of a message's connection outcomes the message's: any `retry-later` leaves
 * the whole message for redelivery (idempotency makes the done ones duplicates next time);
 * else any failure dead-letters it once, with one reason naming the failed connections; else
 * it succeeded, with the best of its connections' statuses.
 */
export const createMessageSettlement =
  (deadLetter: DeadLetter) =>
  async (message: QueueMessage, parts: readonly ConnectionOutcome[]): Promise<MessageOutcome> => {
    const retries = parts.flatMap((part) => part.retries);
    const base = {
      messageId: message.messageId,
      vpnConnectionId: parts[0]?.vpnConnectionId,
      connections: parts,
      retries,
    };
    const waiting = parts.filter((part) => part.status === 'retry-later');
    if (waiting.length > 0) {
      const reason =
        parts.length === 1
          ? waiting[0]?.reason
          : waiting.map((part) => `${part.vpnConnectionId}: ${part.reason}`).join('; ');
      return { ...base, status: 'retry-later', reason };
    }
    const failed = parts.flatMap((part) => (part.failure ? [part.failure] : []));
    const [firstFailure] = failed;
    if (firstFailure !== undefined) {
      const reason = combinedReason(firstFailure, failed, parts.length);
      const sent = await deadLetter(message, reason, retries);
      return { ...sent, connections: parts };
    }
    const status = HANDLED.find((best) => parts.some((part) => part.status === best));
    return { ...base, status: status ?? 'duplicate' };
  };
