import { describe, expect, it } from 'vitest';
import { batchesOf, SQS_BATCH_MAX_BYTES } from '../../../lib/ingest/queue.ts';

const bodies = (sizes: number[]) => sizes.map((size, index) => ({ index, body: 'x'.repeat(size) }));

describe('batchesOf', () => {
  it('puts at most 10 messages in a SendMessageBatch', () => {
    expect(batchesOf(bodies(Array(23).fill(100))).map((b) => b.length)).toEqual([10, 10, 3]);
  });

  it('starts a new batch before the bodies pass 256 KiB', () => {
    const third = Math.floor(SQS_BATCH_MAX_BYTES / 3);
    const batches = batchesOf(bodies([third, third, third, third, 10]));

    expect(batches.map((b) => b.map((item) => item.index))).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    for (const batch of batches) {
      expect(batch.reduce((sum, item) => sum + item.body.length, 0)).toBeLessThanOrEqual(
        SQS_BATCH_MAX_BYTES,
      );
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    const emoji = '\u{1F600}'.repeat(20_000); // 80,000 bytes in 40,000 UTF-16 units
    const batches = batchesOf([0, 1, 2, 3].map((index) => ({ index, body: emoji })));

    expect(batches.map((b) => b.length)).toEqual([3, 1]);
  });
});
