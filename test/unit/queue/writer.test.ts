import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { attributesBytes } from '../../../lib/aws/index.ts';
import { eventTimeOf } from '../../../lib/events/problems.ts';
import {
  buildCopy,
  FAILURE_ATTRIBUTE,
  type FailureReason,
  failureAttribute,
  fitAttributes,
  queueUrlFromArn,
  readFailureReason,
  readWaitState,
  WAIT_ATTRIBUTE,
} from '../../../lib/queue/index.ts';

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

describe('the wait state a delayed copy carries', () => {
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
    const recorded = '2026-12-01T08:59:58.000Z';
    const sentAt = Date.parse('2026-12-01T09:00:30.000Z');
    expect(eventTimeOf({ occurredAt: '2026-12-01T08:59:50Z', recorded, sentAt })).toBe(
      Date.parse('2026-12-01T08:59:50Z'),
    );
    expect(eventTimeOf({ recorded, sentAt })).toBe(Date.parse(recorded));
    expect(eventTimeOf({ sentAt: 1_000 })).toBe(1_000);
    expect(eventTimeOf({ occurredAt: 'not a time' })).toBeUndefined();
    // An event that claims to have happened after it was queued counts from when it was queued.
    expect(eventTimeOf({ occurredAt: '2099-01-01T00:00:00Z', sentAt: 1_000 })).toBe(1_000);
  });
});

describe('fitting a copy in SQS limits', () => {
  it("keeps a copy's own attributes within SQS's 10, and replaces an earlier wait state", () => {
    const attributes = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`attr${i}`, text(String(i))]),
    );
    attributes[WAIT_ATTRIBUTE] = text('old');
    const { request } = buildCopy(
      false,
      { messageId: 'm', body: '{}', messageAttributes: attributes },
      { own: { name: WAIT_ATTRIBUTE, value: text('new') } },
    );
    const kept = request.MessageAttributes ?? {};
    expect(Object.keys(kept)).toHaveLength(10);
    expect(kept[WAIT_ATTRIBUTE]?.StringValue).toBe('new');
    expect(kept.attr0?.StringValue).toBe('0');
  });

  it('drops the other attributes when they would not fit in 256 KB with the body', () => {
    const { attributes } = fitAttributes(
      'x'.repeat(256 * 1024 - 100),
      { big: text('y'.repeat(200)) },
      { name: WAIT_ATTRIBUTE, value: text('{}') },
    );
    expect(Object.keys(attributes)).toEqual([WAIT_ATTRIBUTE]);
  });

  it('lets an optional attribute of ours yield to the message own ten', () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, text(`${i}`)]));
    const fitted = fitAttributes('{}', ten, { name: 'ours', value: text('x'), optional: true });
    expect(fitted).toEqual({ attributes: ten, ownDropped: true });
  });
});

describe('the one fitting step: the failure reason and SQS text', () => {
  const reason: FailureReason = {
    kind: 'rejected',
    message: `monitor refused: ${'é'.repeat(3_000)}`,
    code: 'VPN.0001',
    status: 400,
    request_id: 'req-1',
    connection_status: 'ACTIVE',
    attempts: 2,
    receive_count: 3,
    source_message_id: 'm-1',
    vpn_connection_id: 'c-1',
    project_id: 'p-1',
    failed_at: '2026-12-01T09:00:00.000Z',
  };
  const own = { name: FAILURE_ATTRIBUTE, value: failureAttribute(reason) };
  const stored = (attributes: Record<string, MessageAttributeValue>) =>
    readFailureReason(attributes[FAILURE_ATTRIBUTE]?.StringValue);

  it('keeps the whole reason (message cut to 1 KB) when it fits the queue size', () => {
    const { attributes } = fitAttributes('{}', { tenant: text('acme') }, own, 1_048_576);
    expect(stored(attributes)).toEqual({ ...reason, message: reason.message.slice(0, 1024) });
    expect(attributes.tenant).toEqual(text('acme'));
  });

  it('cuts the message first, then drops minor fields; kind and source id always stay', () => {
    const body = 'x'.repeat(1_048_576 - 400);
    const cut = stored(fitAttributes(body, {}, own, 1_048_576).attributes);
    expect(cut).toMatchObject({ kind: 'rejected', source_message_id: 'm-1', project_id: 'p-1' });
    expect(cut?.message).toMatch(/^monitor refused: é*…$/);
    const tight = fitAttributes('x'.repeat(1_048_576 - 120), {}, own, 1_048_576).attributes;
    const left = stored(tight);
    expect(left).toMatchObject({ kind: 'rejected', source_message_id: 'm-1' });
    expect(left?.project_id).toBeUndefined();
    expect(attributesBytes(tight)).toBeLessThanOrEqual(120);
  });

  it("writes our value in SQS's character set on every copy, not only the DLQ's", () => {
    const odd = `${JSON.parse('"\\uffff"') as string}-c\ud800`;
    const delayed = buildCopy(
      false,
      { messageId: 'm', body: '{}', messageAttributes: {} },
      { own: { name: WAIT_ATTRIBUTE, value: text(odd) }, delaySeconds: 5 },
    );
    expect(delayed.request.MessageAttributes?.[WAIT_ATTRIBUTE]?.StringValue).toBe('\ufffd-c\ufffd');
    const dead = fitAttributes(
      '{}',
      {},
      {
        name: FAILURE_ATTRIBUTE,
        value: failureAttribute({ ...reason, vpn_connection_id: odd }),
      },
    );
    expect(stored(dead.attributes)?.vpn_connection_id).toBe('\ufffd-c\ufffd');
  });
});

describe('one rule for every copy', () => {
  const source = {
    messageId: 'm-1',
    body: '{"vpn_connection_id":"c"}',
    messageAttributes: { tenant: text('acme'), [FAILURE_ATTRIBUTE]: text('{"kind":"rejected"}') },
    traceHeader: 'Root=1-abc',
  };

  it('drops a stale failure reason and keeps the trace header as a system attribute', () => {
    const { request } = buildCopy(false, source, { delaySeconds: 12.4 });
    expect(request).toEqual({
      MessageBody: source.body,
      MessageAttributes: { tenant: text('acme') },
      MessageSystemAttributes: { AWSTraceHeader: text('Root=1-abc') },
      DelaySeconds: 12,
    });
  });

  it('never delays on a FIFO queue: the group and the deduplication id go instead', () => {
    const { request } = buildCopy(true, source, {
      delaySeconds: 30,
      fifo: { defaultGroupId: 'dead-letters', deduplicationId: 'm-1.requeue.1' },
    });
    expect(request.DelaySeconds).toBeUndefined();
    expect(request).toMatchObject({
      MessageGroupId: 'dead-letters',
      MessageDeduplicationId: 'm-1.requeue.1',
    });
  });

  it('caps the delay at 15 minutes', () => {
    expect(buildCopy(false, source, { delaySeconds: 5_000 }).request.DelaySeconds).toBe(900);
  });
});

describe('queueUrlFromArn', () => {
  it.each([
    [
      'arn:aws:sqs:eu-west-1:123456789012:vpn-created',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-created',
    ],
    [
      'arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo',
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo',
    ],
    ['arn:aws:sns:eu-west-1:123456789012:topic', undefined],
  ])('%s → %s', (arn, url) => {
    expect(queueUrlFromArn(arn)).toBe(url);
  });
});
