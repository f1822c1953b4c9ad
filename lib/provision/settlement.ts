import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { UnknownProjectError } from '../accounts/index.ts';
import type { Config } from '../config/index.ts';
import {
  ConnectionNotReadyError,
  CredentialsBreakerOpenError,
  HuaweiCallsStoppedError,
  huaweiAnswerOf,
  MonitorRefusedError,
  ThrottledOutError,
} from '../errors.ts';
import { eventTimeOf } from '../events/index.ts';
import {
  type FailureReason,
  isFifoQueue,
  MAX_DELAY_SECONDS,
  readWaitState,
  type WaitState,
} from '../queue/index.ts';
import { classify, lastFailure, RetryExhaustedError } from '../retry/index.ts';
import type { ConnectionOutcome, QueueMessage } from './types.ts';

// Decisions as data: `connectionOutcome` and `settle` are pure; `carry-out.ts` does the action.

const MAX_THROTTLED_WAIT_SECONDS = 10;
/** How long a record waits while the credential breaker is held open: Huawei's lockout time. */
const HELD_BREAKER_WAIT_SECONDS = 300;

/** A failure reason before the message's own facts are added. */
export type ReasonDraft = Omit<FailureReason, 'source_message_id' | 'receive_count' | 'failed_at'>;

/** The settings settling reads. */
type Settings = Pick<
  Config,
  'maxReceiveCount' | 'notReadyMaxWaitSeconds' | 'notReadyDelaySeconds' | 'throttlePauseMs'
>;

/** What settling a message knows besides its connections' outcomes. */
export interface MessageFacts extends Settings {
  messageId: string;
  receiveCount: number;
  /** The clock, epoch ms. */
  now: number;
  /** The source queue, when known: copies go there. */
  queueUrl?: string | undefined;
  /** Whether the message can be held back (a queue URL and a receipt handle). */
  canHold: boolean;
  wait?: WaitState | undefined;
  /** When the record's event happened, epoch ms, carried on in the wait state. */
  eventTime?: number | undefined;
}

/** What settling `message` knows besides its connections' outcomes, read at `now`. */
export const messageFacts = (
  message: QueueMessage,
  config: Settings,
  now: number,
): MessageFacts => {
  const wait = readWaitState(message.messageAttributes);
  return {
    messageId: message.messageId,
    receiveCount: message.receiveCount,
    maxReceiveCount: config.maxReceiveCount,
    now,
    queueUrl: message.queueUrl,
    canHold: message.queueUrl !== undefined && message.receiptHandle !== undefined,
    wait,
    eventTime: eventTimeOf({ recorded: wait?.event_time, sentAt: message.sentAt }),
    notReadyMaxWaitSeconds: config.notReadyMaxWaitSeconds,
    notReadyDelaySeconds: config.notReadyDelaySeconds,
    throttlePauseMs: config.throttlePauseMs,
  };
};

/**
 * The one thing done with a message: acknowledge it (`status`), leave it for redelivery (a
 * batch item failure, held back `holdSeconds` when set), send a copy (delayed; carrying its
 * wait state, or counted as a throttled requeue) and acknowledge it, `otherwise` when the copy
 * fails, or dead-letter it with the reason (left for redelivery if the DLQ refuses).
 */
export type Action =
  | { do: 'acknowledge'; status: 'created' | 'already_existed' | 'duplicate' }
  | { do: 'retry-later'; reason: string; holdSeconds?: number | undefined }
  | {
      do: 'send-copy';
      delaySeconds: number;
      /** Why a throttled requeue was sent. */
      reason?: string | undefined;
      wait?: WaitState | undefined;
      otherwise: Action;
    }
  | { do: 'dead-letter'; draft: ReasonDraft };

/** Success statuses, best first: a message's status is the best of its connections'. */
const HANDLED = ['created', 'already_existed', 'duplicate'] as const;

/** Whether `status` is a success (one of `HANDLED`). */
export const isHandled = (status: string): status is (typeof HANDLED)[number] =>
  (HANDLED as readonly string[]).includes(status);

const isLastReceive = (facts: MessageFacts): boolean => facts.receiveCount >= facts.maxReceiveCount;

/** A failure reason with the facts of the message it is about, at `now`. */
export const withFacts = (
  facts: Pick<MessageFacts, 'messageId' | 'receiveCount' | 'now'>,
  draft: ReasonDraft,
): FailureReason => ({
  ...draft,
  source_message_id: facts.messageId,
  receive_count: facts.receiveCount,
  failed_at: new Date(facts.now).toISOString(),
});

/** A failure reason without its message's facts, to give it another message's. */
const toDraft = ({
  source_message_id: _,
  receive_count: __,
  failed_at: ___,
  ...draft
}: FailureReason): ReasonDraft => draft;

/**
 * How long a record stopped by the fleet's credential breaker stays invisible: until the next
 * probe is allowed (`retryAt`, epoch ms) plus a few seconds, so the prober goes first; five
 * minutes while the breaker waits for new credentials. Between 1 s and 15 minutes.
 */
export const breakerWaitSeconds = (retryAt: number | undefined, now: number): number =>
  retryAt === undefined
    ? HELD_BREAKER_WAIT_SECONDS
    : Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((retryAt - now) / 1000) + 2));

/**
 * The delay before the `tries`-th question: `base` seconds after the first, doubling after
 * each, at most 15 minutes (SQS's limit) and never past what is left of the budget.
 */
export const nextDelaySeconds = (
  tries: number,
  baseSeconds: number,
  budgetLeftSeconds: number,
): number =>
  Math.max(
    0,
    Math.min(
      MAX_DELAY_SECONDS,
      baseSeconds * 2 ** Math.max(0, Math.min(tries - 1, 20)),
      Math.ceil(budgetLeftSeconds),
    ),
  );

/**
 * How long a throttled record stays invisible: until the rate limit has room again (the
 * pacer's next slot, `retryAt`, when it said; else one throttle pause, `pauseMs`: Huawei
 * advises 2-5 s), plus up to as long again at random (`random`, a draw in [0, 1)), so the
 * fleet's records do not come back together. Between 1 and 10 s, so none waits long after the
 * limiter has room again.
 */
export const throttledWaitSeconds = (
  retryAt: number | undefined,
  pauseMs: number,
  now: number,
  random: number,
): number => {
  const waitMs = retryAt === undefined ? pauseMs : Math.max(0, retryAt - now);
  const base = Math.max(1, Math.ceil(waitMs / 1000));
  return Math.min(MAX_THROTTLED_WAIT_SECONDS, base + Math.floor(random * (base + 1)));
};

/**
 * What a connection's failure (`error`, as thrown by its step) makes of it:
 * - its project has no account: dead-lettered, `unknown-project`;
 * - another invocation holds it: left for redelivery; on the last delivery dead-lettered with
 *   the reason (it was waited for until the budget ran out, `runWaitingForOthers`);
 * - throttled: never dead-lettered; held back until the rate limit has room again, 1 to 10 s
 *   (`throttledWaitSeconds`; `random` jitters it), or on the last delivery sent again as a
 *   delayed copy;
 * - not ready (Huawei's state says wait): `not-ready`, even on the last delivery (waiting is
 *   measured in time);
 * - given up by the retry policy, or on the last delivery: dead-lettered with Huawei's answer;
 * - else left for redelivery; a breaker held open with a probe time holds it until then.
 */
export const connectionOutcome = (
  facts: MessageFacts,
  connection: { vpnConnectionId: string; projectId: string; projectDefaulted?: boolean },
  error: unknown,
  retries: readonly string[],
  random: number,
): ConnectionOutcome => {
  const cause = lastFailure(error);
  // A retried call's own decision (it may have run out of attempts or time) wins over the table's.
  const { kind, decision: tabled } = classify(cause);
  const decision = error instanceof RetryExhaustedError ? error.decision : tabled;
  const last = isLastReceive(facts);
  const base = { messageId: facts.messageId, vpnConnectionId: connection.vpnConnectionId, retries };
  const retryLater = (reason: string, more?: Partial<ConnectionOutcome>): ConnectionOutcome => ({
    ...base,
    status: 'retry-later',
    reason,
    ...more,
  });
  const deadLettered = (draft: Omit<ReasonDraft, 'vpn_connection_id' | 'project_id'>) => ({
    ...base,
    status: 'dead-lettered' as const,
    failure: withFacts(facts, {
      ...draft,
      vpn_connection_id: connection.vpnConnectionId,
      // A defaulted project is not the message's: the reason does not pin it on it.
      ...(connection.projectDefaulted ? {} : { project_id: connection.projectId }),
    }),
  });
  if (cause instanceof UnknownProjectError)
    return deadLettered({ kind: 'unknown-project', message: cause.message, attempts: 0 });
  if (cause instanceof IdempotencyAlreadyInProgressError) {
    if (!last) return retryLater('connection in progress in another invocation');
    return deadLettered({
      kind: 'retries-exhausted',
      message:
        'another invocation still held this connection at the last delivery: replay this message (it is absorbed as a duplicate if that invocation published the event)',
      attempts: 0,
    });
  }
  if ((kind === 'throttled' || kind === 'throttled-out') && decision.disposition !== 'give-up') {
    const seconds = throttledWaitSeconds(
      cause instanceof ThrottledOutError ? cause.retryAt : undefined,
      facts.throttlePauseMs,
      facts.now,
      random,
    );
    if (!last) return retryLater(decision.reason, { holdSeconds: seconds });
    return retryLater(
      decision.reason,
      facts.queueUrl === undefined ? {} : { requeueAfterSeconds: seconds },
    );
  }
  if (cause instanceof ConnectionNotReadyError)
    return { ...base, status: 'not-ready', reason: decision.reason, notReady: cause };
  if (decision.disposition === 'give-up' || last) {
    // Records stopped after another record's refusal carry that refusal's code too.
    const refusal = cause instanceof HuaweiCallsStoppedError ? cause.cause : cause;
    const api = huaweiAnswerOf(refusal);
    return deadLettered({
      kind: decision.disposition === 'give-up' ? 'rejected' : 'retries-exhausted',
      message: `${decision.reason}: ${cause instanceof Error ? cause.message : String(cause)}`,
      code: api?.code,
      status: api?.status,
      request_id: api?.requestId,
      connection_status: cause instanceof MonitorRefusedError ? cause.connectionStatus : undefined,
      attempts: error instanceof RetryExhaustedError ? error.attempts : 1,
    });
  }
  // A breaker held open (no probe is coming) leaves its records to the queue's own visibility
  // timeout, and so to the DLQ with the reason after the last delivery.
  const held = cause instanceof CredentialsBreakerOpenError && cause.retryAt !== undefined;
  return retryLater(
    decision.reason,
    held ? { holdSeconds: breakerWaitSeconds(cause.retryAt, facts.now) } : {},
  );
};

/**
 * A connection already being handled in this batch under the same key shares its fate: done
 * or waiting (the first's delayed copy carries the connection on) makes it a duplicate; a
 * failure is this message's failure too; else it is retried with the first.
 */
export const twinOutcome = (
  facts: MessageFacts,
  vpnConnectionId: string,
  first: ConnectionOutcome,
): ConnectionOutcome => {
  const base = { messageId: facts.messageId, vpnConnectionId, retries: [] };
  if (isHandled(first.status) || first.status === 'not-ready')
    return { ...base, status: 'duplicate' };
  if (first.status === 'dead-lettered' && first.failure) {
    const failure = withFacts(facts, toDraft(first.failure));
    return {
      ...base,
      vpnConnectionId: failure.vpn_connection_id,
      status: 'dead-lettered',
      failure,
    };
  }
  return {
    ...base,
    status: 'retry-later',
    reason: first.reason,
    requeueAfterSeconds: first.requeueAfterSeconds,
  };
};

/**
 * The one reason a message is dead-lettered with: its connection's, or, for a message of
 * several, the first failure's code with every failed connection named in the message.
 */
const combinedReason = (failed: readonly FailureReason[], total: number): ReasonDraft => {
  const [first] = failed;
  if (first === undefined) throw new Error('combinedReason needs a failure');
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
 * Waiting for not-ready connections, in time: one delayed copy of the message carrying its
 * wait state, the delay doubling, never past `NOT_READY_MAX_WAIT_SECONDS` from the first
 * sighting (then dead-lettered, `not-ready-timeout`). Where no copy can go (no queue URL, a
 * FIFO queue) the message is held back instead, each wait costing a delivery; on the last
 * delivery it is dead-lettered with the reason rather than moved by SQS without one.
 */
const waitFor = (facts: MessageFacts, waiting: readonly ConnectionOutcome[]): Action => {
  const first = waiting.find((part) => part.notReady !== undefined)?.notReady;
  if (first === undefined) return { do: 'retry-later', reason: 'nothing to wait for' };
  const firstSeen = facts.wait === undefined ? facts.now : Date.parse(facts.wait.first_seen);
  const tries = (facts.wait?.tries ?? 0) + 1;
  const budgetLeftMs = facts.notReadyMaxWaitSeconds * 1000 - (facts.now - firstSeen);
  const answer = huaweiAnswerOf(first);
  const statuses = waiting
    .map((part) => `${part.vpnConnectionId}: ${part.notReady?.connectionStatus ?? 'not ready'}`)
    .join(', ');
  const deadLetter = (kind: ReasonDraft['kind'], why: string): Action => ({
    do: 'dead-letter',
    draft: {
      kind,
      message: `${why} (${statuses}): ${first.message}`,
      code: answer?.code,
      status: answer?.status,
      request_id: answer?.requestId,
      connection_status: first.connectionStatus,
      attempts: tries,
      vpn_connection_id: waiting[0]?.vpnConnectionId,
      project_id: first.projectId,
    },
  });
  if (budgetLeftMs <= 0) {
    const waited = Math.round((facts.now - firstSeen) / 1000);
    return deadLetter(
      'not-ready-timeout',
      `connection still not ready after ${waited} s and ${tries} looks (NOT_READY_MAX_WAIT_SECONDS ${facts.notReadyMaxWaitSeconds})`,
    );
  }
  const delaySeconds = nextDelaySeconds(tries, facts.notReadyDelaySeconds, budgetLeftMs / 1000);
  const last = isLastReceive(facts);
  if (facts.queueUrl === undefined || isFifoQueue(facts.queueUrl)) {
    if (last)
      return deadLetter(
        'retries-exhausted',
        'not ready on the last delivery; no delayed copy possible',
      );
    return {
      do: 'retry-later',
      reason: `connection not ready (${statuses})`,
      ...(facts.canHold ? { holdSeconds: delaySeconds } : {}),
    };
  }
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    do: 'send-copy',
    delaySeconds,
    wait: {
      first_seen: iso(firstSeen),
      ...(facts.eventTime === undefined ? {} : { event_time: iso(facts.eventTime) }),
      tries,
      last_status: first.connectionStatus,
    },
    otherwise: last
      ? deadLetter('retries-exhausted', 'not ready on the last delivery; the delayed copy failed')
      : { do: 'retry-later', reason: 'delayed copy not sent' },
  };
};

/**
 * The one action for a message, from its connections' outcomes, worst first: any `retry-later`
 * leaves the whole message for redelivery (idempotency makes the done ones duplicates next
 * time), or, when every one of them is a throttled requeue, sends it again as a delayed copy;
 * else any `not-ready` waits (a failed connection beside it is dead-lettered once the wait is
 * over, so the one still coming is not given up with it); else any failure dead-letters it
 * once, with one reason naming the failed connections; else it is acknowledged with the best of
 * its connections' statuses.
 */
export const settle = (facts: MessageFacts, parts: readonly ConnectionOutcome[]): Action => {
  const retrying = parts.filter((part) => part.status === 'retry-later');
  if (retrying.length > 0) {
    const reason =
      (parts.length === 1
        ? retrying[0]?.reason
        : retrying.map((part) => `${part.vpnConnectionId}: ${part.reason}`).join('; ')) ??
      'retry later';
    const requeues = retrying.map((part) => part.requeueAfterSeconds);
    if (requeues.every((seconds) => seconds !== undefined) && facts.queueUrl !== undefined) {
      return {
        do: 'send-copy',
        delaySeconds: Math.max(...requeues),
        reason,
        otherwise: { do: 'retry-later', reason: `${reason}; the requeue failed` },
      };
    }
    const holds = retrying.flatMap((part) =>
      part.holdSeconds === undefined ? [] : [part.holdSeconds],
    );
    return {
      do: 'retry-later',
      reason,
      ...(holds.length > 0 && facts.canHold ? { holdSeconds: Math.max(...holds) } : {}),
    };
  }
  const notReady = parts.filter((part) => part.status === 'not-ready');
  if (notReady.length > 0) return waitFor(facts, notReady);
  const failed = parts.flatMap((part) => (part.failure ? [part.failure] : []));
  if (failed.length > 0) return { do: 'dead-letter', draft: combinedReason(failed, parts.length) };
  const best = HANDLED.find((status) => parts.some((part) => part.status === status));
  return { do: 'acknowledge', status: best ?? 'duplicate' };
};
