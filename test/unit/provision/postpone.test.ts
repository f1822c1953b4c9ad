import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { WAIT_ATTRIBUTE, withOwnAttribute } from '../../../lib/dlq/dead-letter.ts';
import {
  eventTimeOf,
  nextDelaySeconds,
  readWaitState,
  throttledWaitSeconds,
} from '../../../lib/provision/postpone.ts';

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

describe('waiting for a connection in time', () => {
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

  it('reads the wait state a copy carries, and ignores a garbled one', () => {
    const wait = {
      first_seen: '2026-12-01T09:00:00.000Z',
      event_time: '2026-12-01T08:59:58.000Z',
      tries: 2,
      last_status: 'PENDING_CREATE',
    };
    expect(readWaitState({ [WAIT_ATTRIBUTE]: text(JSON.stringify(wait)) })).toEqual(wait);
    expect(readWaitState({ [WAIT_ATTRIBUTE]: text('{"tries":"many"}') })).toBeUndefined();
    expect(readWaitState({ [WAIT_ATTRIBUTE]: text('not json') })).toBeUndefined();
    expect(readWaitState({})).toBeUndefined();
  });

  it("takes the event's own time first, then the first copy's record of it, then SentTimestamp", () => {
    const copy = {
      messageAttributes: {
        [WAIT_ATTRIBUTE]: text(
          JSON.stringify({
            first_seen: '2026-12-01T09:00:00.000Z',
            event_time: '2026-12-01T08:59:58.000Z',
            tries: 1,
            last_status: 'NOT_FOUND',
          }),
        ),
      },
      sentAt: Date.parse('2026-12-01T09:00:30.000Z'),
    };
    expect(eventTimeOf(copy, '2026-12-01T08:59:50Z')).toBe(Date.parse('2026-12-01T08:59:50Z'));
    expect(eventTimeOf(copy)).toBe(Date.parse('2026-12-01T08:59:58.000Z'));
    expect(eventTimeOf({ messageAttributes: {}, sentAt: 1_000 })).toBe(1_000);
    expect(eventTimeOf({ messageAttributes: {} }, 'not a time')).toBeUndefined();
    // An event that claims to have happened after it was queued counts from when it was queued.
    expect(eventTimeOf({ messageAttributes: {}, sentAt: 1_000 }, '2099-01-01T00:00:00Z')).toBe(
      1_000,
    );
  });

  it("keeps a copy's own attributes within SQS's 10, and replaces an earlier wait state", () => {
    const attributes = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`attr${i}`, text(String(i))]),
    );
    attributes[WAIT_ATTRIBUTE] = text('old');
    const kept = withOwnAttribute(
      { body: '{}', messageAttributes: attributes },
      WAIT_ATTRIBUTE,
      text('new'),
    );
    expect(Object.keys(kept)).toHaveLength(10);
    expect(kept[WAIT_ATTRIBUTE]?.StringValue).toBe('new');
    expect(kept.attr0?.StringValue).toBe('0');
  });

  it('drops the other attributes when they would not fit in 256 KB with the body', () => {
    const kept = withOwnAttribute(
      { body: 'x'.repeat(256 * 1024 - 100), messageAttributes: { big: text('y'.repeat(200)) } },
      WAIT_ATTRIBUTE,
      text('{}'),
    );
    expect(Object.keys(kept)).toEqual([WAIT_ATTRIBUTE]);
  });
});

describe('a throttled record comes back when the rate limit has room again', () => {
  const NOW = 1_000_000;
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
      expect(throttledWaitSeconds(retryAt, pauseMs, NOW, () => draw)).toBe(seconds);
    },
  );
});
