import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_QUEUE_MAX_BYTES,
  FAILURE_REASON_RESERVE_BYTES,
  fitJsonAttribute,
  SOURCE_QUEUE_MAX_BYTES_LIMIT,
  toSqsText,
} from '../../../lib/aws/sqs-limits.ts';

/** SQS's documented set: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const inSqsSet = (text: string): boolean =>
  [...text].every((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff)
    );
  });

const OPTIONS = { shorten: 'message', dropOrder: ['extra', 'status'] } as const;

describe('toSqsText', () => {
  it.each([
    ['U+FFFF', 'id-\uffff', 'id-\ufffd'],
    ['U+FFFE', '\ufffe', '\ufffd'],
    ['a control character', 'a\u0000b\u001fc', 'a\ufffdb\ufffdc'],
    ['a lone high surrogate', 'x\ud800y', 'x\ufffdy'],
    ['a lone low surrogate', '\udc00', '\ufffd'],
  ])('replaces %s', (_, text, expected) => {
    expect(toSqsText(text)).toBe(expected);
  });

  it('keeps tabs, newlines, accents and characters beyond the BMP', () => {
    const text = 'tab\tline\nreturn\ré 😀 \ue000 \ufffd';
    expect(toSqsText(text)).toBe(text);
  });

  it('leaves every string it returns in the set SQS accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(inSqsSet(toSqsText(text))).toBe(true);
      }),
    );
  });
});

describe('fitJsonAttribute', () => {
  it('returns the whole JSON when it fits', () => {
    const fields = { kind: 'rejected', message: 'short', status: 400 };
    expect(fitJsonAttribute(fields, 1_000, OPTIONS)).toBe(JSON.stringify(fields));
  });

  it('cuts the long text to the longest that fits, marked', () => {
    // Prepare
    const fields = { kind: 'rejected', message: 'x'.repeat(500), status: 400 };
    // Act
    const fitted = fitJsonAttribute(fields, 200, OPTIONS) ?? '';
    // Assess: exactly at the budget, other fields kept
    expect(Buffer.byteLength(fitted)).toBe(200);
    expect(JSON.parse(fitted)).toMatchObject({ kind: 'rejected', status: 400 });
    expect(JSON.parse(fitted).message).toMatch(/^x+…$/);
  });

  it('leaves fields out in order when the cut text alone is not enough', () => {
    const fields = { kind: 'rejected', message: 'm'.repeat(50), extra: 'e'.repeat(300), status: 1 };
    const fitted = JSON.parse(fitJsonAttribute(fields, 80, OPTIONS) ?? '{}');
    expect(fitted).not.toHaveProperty('extra');
    expect(fitted).toMatchObject({ kind: 'rejected', status: 1 });
  });

  it('answers undefined when not even the kept fields fit', () => {
    expect(fitJsonAttribute({ kind: 'k'.repeat(100), message: '' }, 50, OPTIONS)).toBeUndefined();
  });

  it('never splits a character beyond the BMP', () => {
    const fields = { message: '😀'.repeat(100) };
    for (let budget = 20; budget < 120; budget++) {
      const fitted = fitJsonAttribute(fields, budget, OPTIONS) ?? '';
      expect(inSqsSet(fitted)).toBe(true);
      expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(budget);
    }
  });

  it('always fits the budget, in SQS characters, and parses back', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3_000 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 120, max: 4_000 }),
        (message, extra, budget) => {
          const fitted = fitJsonAttribute({ kind: 'rejected', message, extra }, budget, OPTIONS);
          expect(fitted).toBeDefined();
          const text = fitted ?? '';
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(budget);
          expect(inSqsSet(text)).toBe(true);
          expect(JSON.parse(text)).toMatchObject({ kind: 'rejected' });
        },
      ),
    );
  });
});

describe('queue sizes', () => {
  it('keeps room for the reason between the highest source queue size and the DLQ size', () => {
    expect(DEAD_LETTER_QUEUE_MAX_BYTES).toBe(1_048_576);
    expect(SOURCE_QUEUE_MAX_BYTES_LIMIT + FAILURE_REASON_RESERVE_BYTES).toBe(
      DEAD_LETTER_QUEUE_MAX_BYTES,
    );
  });
});
