import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { describe, expect, it } from 'vitest';
import { UnknownProjectError } from '../../../lib/accounts/index.ts';
import {
  ConnectionNotReadyError,
  CredentialsBreakerOpenError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  type HuaweiErrorDetails,
  MonitorRefusedError,
  ThrottledOutError,
} from '../../../lib/errors.ts';
import {
  type Action,
  breakerWaitSeconds,
  connectionOutcome,
  type MessageFacts,
  nextDelaySeconds,
  settle,
  throttledWaitSeconds,
  twinOutcome,
} from '../../../lib/provision/settlement.ts';
import type { ConnectionOutcome } from '../../../lib/provision/types.ts';
import type { FailureReason } from '../../../lib/queue/index.ts';
import { decide } from '../../../lib/retry/policy.ts';
import { RetryExhaustedError } from '../../../lib/retry/with-retry.ts';

// Settlement as data: a connection's failure becomes its outcome, a message's outcomes become one
// action. The executor that carries actions out is tested against SQS in carry-out.test.ts.

const MAX_RECEIVE_COUNT = 3;
const NOW = Date.parse('2026-12-01T09:00:00.000Z');
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created';
const CONNECTION = { vpnConnectionId: 'e47ec7f1-e6c6-4507-bd83-51e6a809978a', projectId: 'p1' };
const [A, B, C] = [
  '3b9f6d2e-8c41-4a7f-b5e3-0d6c9a2f1e84',
  'd45a8e1b-6f2c-4d93-a7b0-8e1f5c3d2a69',
  'e8a2c4f6-1b3d-4e5f-a7c9-0b2d4f6a8c1e',
];

const facts = (overrides: Partial<MessageFacts> = {}): MessageFacts => ({
  messageId: 'm-1',
  receiveCount: 1,
  maxReceiveCount: MAX_RECEIVE_COUNT,
  now: NOW,
  queueUrl: QUEUE,
  canHold: true,
  notReadyMaxWaitSeconds: 3600,
  notReadyDelaySeconds: 30,
  throttlePauseMs: 2_000,
  ...overrides,
});
const last = (overrides: Partial<MessageFacts> = {}) =>
  facts({ receiveCount: MAX_RECEIVE_COUNT, ...overrides });

const huaweiError = (details: Partial<HuaweiErrorDetails> & { status: number }) =>
  new HuaweiApiError('create', {
    code: undefined,
    huaweiMessage: undefined,
    requestId: undefined,
    ...details,
  });
const exhausted = (error: HuaweiApiError, attempts: number) =>
  new RetryExhaustedError(error, attempts, { ...decide(error), disposition: 'retry-later' });
const notReady = (id: string, status = 'PENDING_CREATE') =>
  new ConnectionNotReadyError(`${id} is ${status}`, {
    connectionStatus: status,
    projectId: 'p1',
    cause: huaweiError({ status: 409, code: 'VPN.0016', requestId: 'req-1' }),
  });

/** One connection's failure, settled as the only connection of its message. */
const settleOne = (messageFacts: MessageFacts, error: unknown, random = 0): Action =>
  settle(messageFacts, [connectionOutcome(messageFacts, CONNECTION, error, [], random)]);

const deadLetter = (draft: Record<string, unknown>) => ({
  do: 'dead-letter',
  draft: expect.objectContaining(draft),
});

describe('one failed connection: its outcome, and the action for its message', () => {
  it.each<[string, MessageFacts, unknown, unknown]>([
    [
      'a refusal dead-letters at once, with Huawei answer',
      facts(),
      huaweiError({ status: 400, code: 'VPN.0001', requestId: 'req-400' }),
      deadLetter({
        kind: 'rejected',
        code: 'VPN.0001',
        status: 400,
        request_id: 'req-400',
        attempts: 1,
        vpn_connection_id: CONNECTION.vpnConnectionId,
        project_id: CONNECTION.projectId,
      }),
    ],
    [
      'a retryable failure before the last delivery is left for redelivery',
      facts(),
      exhausted(huaweiError({ status: 503 }), 4),
      { do: 'retry-later', reason: expect.stringContaining('Huawei busy or failing') },
    ],
    [
      'the same failure on the last delivery dead-letters as retries exhausted',
      last(),
      exhausted(huaweiError({ status: 503, code: 'VPN.0500' }), 4),
      deadLetter({ kind: 'retries-exhausted', code: 'VPN.0500', status: 503, attempts: 4 }),
    ],
    [
      'a refusal state confirmed dead-letters with the status it saw',
      facts(),
      new MonitorRefusedError('connection not found', {
        connectionStatus: 'NOT_FOUND',
        cause: huaweiError({ status: 404, code: 'VPN.0004', requestId: 'req-404' }),
      }),
      deadLetter({
        kind: 'rejected',
        code: 'VPN.0004',
        request_id: 'req-404',
        connection_status: 'NOT_FOUND',
      }),
    ],
    [
      "a record stopped after another's refusal carries that refusal's code",
      last(),
      new HuaweiCallsStoppedError('Huawei calls stopped', {
        cause: huaweiError({ status: 401, code: 'APIGW.0301' }),
      }),
      deadLetter({ kind: 'retries-exhausted', code: 'APIGW.0301', status: 401 }),
    ],
    [
      'a connection another invocation holds is left to it',
      facts(),
      new IdempotencyAlreadyInProgressError('in progress'),
      { do: 'retry-later', reason: 'connection in progress in another invocation' },
    ],
    [
      'on the last delivery it is dead-lettered saying why (issue 12)',
      last(),
      new IdempotencyAlreadyInProgressError('in progress'),
      deadLetter({ kind: 'retries-exhausted', attempts: 0 }),
    ],
    [
      'throttling holds the message back one throttle pause (and jitter), never dead-letters it',
      facts(),
      huaweiError({ status: 429, code: 'APIGW.0308' }),
      { do: 'retry-later', reason: 'throttled (HTTP 429 APIGW.0308)', holdSeconds: 2 },
    ],
    [
      'throttling on the last delivery sends a delayed copy instead of burning it',
      last(),
      huaweiError({ status: 429 }),
      {
        do: 'send-copy',
        delaySeconds: 2,
        reason: 'throttled (HTTP 429)',
        otherwise: { do: 'retry-later', reason: 'throttled (HTTP 429); the requeue failed' },
      },
    ],
    [
      'a breaker held open with a probe time holds the message until just after it',
      facts(),
      new CredentialsBreakerOpenError(NOW + 60_000, undefined),
      { do: 'retry-later', reason: expect.any(String), holdSeconds: 62 },
    ],
    [
      'a project no account owns dead-letters at once, naming it',
      facts(),
      new UnknownProjectError('p1', 'No account of the accounts document owns project p1'),
      deadLetter({
        kind: 'unknown-project',
        message: 'No account of the accounts document owns project p1',
        attempts: 0,
        vpn_connection_id: CONNECTION.vpnConnectionId,
        project_id: CONNECTION.projectId,
      }),
    ],
    [
      'nothing is held where the message cannot be addressed',
      facts({ canHold: false }),
      huaweiError({ status: 429 }),
      { do: 'retry-later', reason: 'throttled (HTTP 429)' },
    ],
  ])('%s', (_, messageFacts, error, action) => {
    expect(settleOne(messageFacts, error)).toEqual(action);
  });

  it('jitters the throttled hold between one and two throttle pauses', () => {
    const holds = [0, 0.5, 0.99].map((random) => {
      const action = settleOne(facts(), huaweiError({ status: 429 }), random);
      return action.do === 'retry-later' ? action.holdSeconds : undefined;
    });
    expect(holds).toEqual([2, 3, 4]);
  });

  it("holds a record the pacer turned away until the pacer's next free slot", () => {
    const error = new ThrottledOutError('no room before the invocation ends', {
      retryAt: NOW + 4_200,
    });
    expect(settleOne(facts(), error)).toMatchObject({ do: 'retry-later', holdSeconds: 5 });
  });

  it('marks a connection Huawei shows not ready for the wait, even on the last delivery', () => {
    const error = notReady(CONNECTION.vpnConnectionId);
    const outcome = connectionOutcome(last(), CONNECTION, error, [], 0);
    expect(outcome).toMatchObject({ status: 'not-ready', notReady: error });
  });

  it('keeps the retries a connection made', () => {
    const outcome = connectionOutcome(
      facts(),
      CONNECTION,
      exhausted(huaweiError({ status: 503 }), 4),
      ['server-error'],
      0,
    );
    expect(outcome).toMatchObject({ status: 'retry-later', retries: ['server-error'] });
  });

  it('stamps a failure with the message and the injected clock', () => {
    const outcome = connectionOutcome(facts(), CONNECTION, huaweiError({ status: 400 }), [], 0);
    expect(outcome.failure).toMatchObject({
      source_message_id: 'm-1',
      receive_count: 1,
      failed_at: '2026-12-01T09:00:00.000Z',
    });
  });
});

const failure = (id: string, code: string, attempts: number): FailureReason => ({
  kind: 'rejected',
  message: `request rejected (HTTP 400 ${code})`,
  code,
  status: 400,
  attempts,
  receive_count: 2,
  source_message_id: 'm-1',
  vpn_connection_id: id,
  failed_at: '2026-11-26T02:00:00.000Z',
});
const part = (
  vpnConnectionId: string,
  status: ConnectionOutcome['status'],
  extra: Partial<ConnectionOutcome> = {},
): ConnectionOutcome => ({ messageId: 'm-1', vpnConnectionId, status, retries: [], ...extra });

describe('a message of several connections takes the worst of their outcomes', () => {
  it('is dead-lettered once, naming every connection that failed', () => {
    const action = settle(facts(), [
      part(A, 'created'),
      part(B, 'dead-lettered', { failure: failure(B, 'VPN.0001', 1) }),
      part(C, 'dead-lettered', { failure: failure(C, 'VPN.0002', 3) }),
    ]);
    expect(action).toEqual(
      deadLetter({
        vpn_connection_id: B,
        code: 'VPN.0001',
        attempts: 3,
        message:
          `2 of 3 connections failed: ${B}: request rejected (HTTP 400 VPN.0001); ` +
          `${C}: request rejected (HTTP 400 VPN.0002); the others were handled and are duplicates on replay`,
      }),
    );
  });

  it('is left for redelivery, not dead-lettered, while any connection must wait', () => {
    const action = settle(facts(), [
      part(A, 'dead-lettered', { failure: failure(A, 'VPN.0001', 1) }),
      part(B, 'retry-later', { reason: 'throttled' }),
    ]);
    expect(action).toEqual({ do: 'retry-later', reason: `${B}: throttled` });
  });

  it('waits once for its not-ready connections, before giving up a failed one beside them', () => {
    const action = settle(facts(), [
      part(A, 'created'),
      part(B, 'not-ready', { notReady: notReady(B) }),
      part(C, 'dead-lettered', { failure: failure(C, 'VPN.0001', 1) }),
    ]);
    expect(action).toMatchObject({ do: 'send-copy', delaySeconds: 30 });
  });

  it('is left for redelivery, not postponed, when another connection must be retried', () => {
    const action = settle(facts(), [
      part(A, 'not-ready', { notReady: notReady(A) }),
      part(B, 'retry-later', { reason: 'throttled' }),
    ]);
    expect(action.do).toBe('retry-later');
  });

  it('keeps the reason of a message of one connection exactly as it was', () => {
    const only = failure(A, 'VPN.0001', 2);
    const { source_message_id: _, receive_count: __, failed_at: ___, ...draft } = only;
    expect(settle(facts(), [part(A, 'dead-lettered', { failure: only })])).toEqual({
      do: 'dead-letter',
      draft,
    });
  });

  it('succeeds with the best status of its connections', () => {
    expect(settle(facts(), [part(A, 'duplicate'), part(B, 'already_existed')])).toEqual({
      do: 'acknowledge',
      status: 'already_existed',
    });
  });

  it('holds the message the longest any of its connections asked for', () => {
    const action = settle(facts(), [
      part(A, 'retry-later', { reason: 'throttled', holdSeconds: 6 }),
      part(B, 'retry-later', { reason: 'breaker', holdSeconds: 62 }),
    ]);
    expect(action).toMatchObject({ do: 'retry-later', holdSeconds: 62 });
  });

  it('requeues only when every retried connection is a throttled requeue', () => {
    const action = settle(last(), [
      part(A, 'retry-later', { reason: 'throttled', requeueAfterSeconds: 6 }),
      part(B, 'retry-later', { reason: 'throttled', requeueAfterSeconds: 9 }),
    ]);
    expect(action).toMatchObject({ do: 'send-copy', delaySeconds: 9 });
    const mixed = settle(last(), [
      part(A, 'retry-later', { reason: 'throttled', requeueAfterSeconds: 6 }),
      part(B, 'retry-later', { reason: 'server' }),
    ]);
    expect(mixed.do).toBe('retry-later');
  });
});

describe('a connection twice in one batch shares the first one fate', () => {
  it.each<[ConnectionOutcome['status'], Partial<ConnectionOutcome>, unknown]>([
    ['created', {}, { status: 'duplicate' }],
    ['not-ready', {}, { status: 'duplicate' }],
    ['retry-later', { reason: 'throttled' }, { status: 'retry-later', reason: 'throttled' }],
    [
      'dead-lettered',
      { failure: failure(A, 'VPN.0001', 1) },
      {
        status: 'dead-lettered',
        failure: expect.objectContaining({
          code: 'VPN.0001',
          source_message_id: 'm-2',
          failed_at: '2026-12-01T09:00:00.000Z',
        }),
      },
    ],
  ])('%s', (status, extra, expected) => {
    const twin = twinOutcome(facts({ messageId: 'm-2' }), A, part(A, status, extra));
    expect(twin).toMatchObject(expected as object);
  });
});

const waiting = (wait?: MessageFacts['wait'], overrides: Partial<MessageFacts> = {}) =>
  settle(facts({ wait, ...overrides }), [part(A, 'not-ready', { notReady: notReady(A) })]);

describe('waiting for a not-ready connection, in time', () => {
  it('sends a delayed copy carrying the wait state, the delay doubling with each look', () => {
    const first = waiting(undefined, { eventTime: NOW - 2_000, receiveCount: 5 });
    expect(first).toEqual({
      do: 'send-copy',
      delaySeconds: 30,
      wait: {
        first_seen: new Date(NOW).toISOString(),
        event_time: new Date(NOW - 2_000).toISOString(),
        tries: 1,
        last_status: 'PENDING_CREATE',
      },
      otherwise: deadLetter({ kind: 'retries-exhausted' }),
    });
    const third = waiting({
      first_seen: new Date(NOW - 120_000).toISOString(),
      tries: 2,
      last_status: 'PENDING_CREATE',
    });
    expect(third).toMatchObject({ do: 'send-copy', delaySeconds: 120, wait: { tries: 3 } });
  });

  it('dead-letters a connection still not ready after NOT_READY_MAX_WAIT_SECONDS, with the last status', () => {
    const action = waiting({
      first_seen: new Date(NOW - 3_601_000).toISOString(),
      tries: 7,
      last_status: 'PENDING_CREATE',
    });
    expect(action).toEqual(
      deadLetter({
        kind: 'not-ready-timeout',
        connection_status: 'PENDING_CREATE',
        code: 'VPN.0016',
        request_id: 'req-1',
        attempts: 8,
        vpn_connection_id: A,
      }),
    );
  });

  it('never asks again past the budget: the last delay is what is left of it', () => {
    const action = waiting({
      first_seen: new Date(NOW - 3_590_000).toISOString(),
      tries: 7,
      last_status: 'PENDING_CREATE',
    });
    expect(action).toMatchObject({ do: 'send-copy', delaySeconds: 10, wait: { tries: 8 } });
  });

  it('holds the message back where no copy can go (a FIFO queue), and dead-letters on the last delivery', () => {
    const fifo = `${QUEUE}.fifo`;
    expect(waiting(undefined, { queueUrl: fifo })).toEqual({
      do: 'retry-later',
      reason: `connection not ready (${A}: PENDING_CREATE)`,
      holdSeconds: 30,
    });
    expect(waiting(undefined, { queueUrl: fifo, receiveCount: MAX_RECEIVE_COUNT })).toEqual(
      deadLetter({ kind: 'retries-exhausted' }),
    );
  });

  it('leaves the message for redelivery when the delayed copy fails before the last delivery', () => {
    const action = waiting();
    expect(action.do === 'send-copy' && action.otherwise).toEqual({
      do: 'retry-later',
      reason: 'delayed copy not sent',
    });
  });

  it.each([
    [1, 30, 3600, 30],
    [2, 30, 3600, 60],
    [5, 30, 3600, 480],
    [6, 30, 3600, 900],
    [40, 30, 3600, 900],
    [3, 30, 45.2, 46],
    [1, 30, 0, 0],
  ])('try %i, base %i s, %f s of budget left → %i s', (tries, base, left, delay) => {
    expect(nextDelaySeconds(tries, base, left)).toBe(delay);
  });

  it('waits for a held breaker until its probe time, five minutes without one, 15 at most', () => {
    expect(breakerWaitSeconds(NOW + 10_000, NOW)).toBe(12);
    expect(breakerWaitSeconds(undefined, NOW)).toBe(300);
    expect(breakerWaitSeconds(NOW + 3_600_000, NOW)).toBe(900);
    expect(breakerWaitSeconds(NOW - 60_000, NOW)).toBe(1);
  });
});

describe('a throttled record comes back when the rate limit has room again', () => {
  it.each([
    // [the pacer's next slot, pause ms, random draw, seconds]
    { retryAt: NOW + 300, pauseMs: 2_000, draw: 0, seconds: 1 },
    { retryAt: NOW + 300, pauseMs: 2_000, draw: 0.99, seconds: 2 },
    { retryAt: NOW + 4_200, pauseMs: 2_000, draw: 0, seconds: 5 },
    { retryAt: NOW - 50, pauseMs: 2_000, draw: 0, seconds: 1 },
    { retryAt: undefined, pauseMs: 2_000, draw: 0, seconds: 2 },
    { retryAt: undefined, pauseMs: 2_000, draw: 0.99, seconds: 4 },
    { retryAt: undefined, pauseMs: 50, draw: 0.5, seconds: 2 },
    { retryAt: NOW + 60_000, pauseMs: 2_000, draw: 0, seconds: 10 },
  ])(
    'slot $retryAt, pause $pauseMs ms, draw $draw: $seconds s',
    ({ retryAt, pauseMs, draw, seconds }) => {
      expect(throttledWaitSeconds(retryAt, pauseMs, NOW, draw)).toBe(seconds);
    },
  );
});
