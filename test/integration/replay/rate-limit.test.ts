import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseReplayOptions } from '../../../lib/replay/options.ts';
import { replayDeadLetters } from '../../../lib/replay/replay.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { deadLetter, drain, sqsClient } from './queues.ts';

let queues: LocalSqs;
let sqs: SQSClient;

beforeEach(async () => {
  queues = await startSqs();
  sqs = sqsClient(queues.endpoint, queues.region);
});

afterEach(async () => {
  sqs.destroy();
  await queues.stop();
});

/**
 * The rate the target queue saw, from the `SentTimestamp`s SQS gave the copies: the messages
 * sent before the last send, over the time from the first send to the last. (The last batch is
 * left out because the time it "uses" lies after it.) Batch entries share a timestamp, give or
 * take a millisecond or two, hence the small window.
 */
const observedRate = (timestamps: number[]): number => {
  const sorted = [...timestamps].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const last = sorted.at(-1) ?? 0;
  const beforeLast = sorted.filter((t) => t < last - 5).length;
  return (beforeLast * 1000) / (last - first);
};

describe('rate limit', () => {
  it.each([
    { rate: 4, messages: 12 },
    { rate: 20, messages: 60 },
  ])('holds $rate messages per second', async ({ rate, messages }) => {
    // Prepare
    for (let i = 0; i < messages; i += 1) await deadLetter(sqs, queues.dlqUrl, { failure: {} });

    // Act
    const report = await replayDeadLetters(
      sqs,
      parseReplayOptions({ dlq: queues.dlqUrl, to: queues.queueUrl, rate }),
      { receiveWaitSeconds: 0 },
    );

    // Assess: never faster than asked (10 % for timer jitter), and not grossly slower
    expect(report.moved).toBe(messages);
    const sent = (await drain(sqs, queues.queueUrl)).map((m) =>
      Number(m.Attributes?.SentTimestamp),
    );
    expect(sent).toHaveLength(messages);
    const observed = observedRate(sent);
    expect(observed).toBeLessThanOrEqual(rate * 1.1);
    expect(observed).toBeGreaterThanOrEqual(rate * 0.5);
  });
});
