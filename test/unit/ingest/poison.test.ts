import { describe, expect, it } from 'vitest';
import { escapeForSqs, jsonDepth } from '../../../lib/ingest/poison.ts';

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[{"a":[1]}]]', 4],
    ['{"text":"[[[[{{{{"}', 1],
    ['{"text":"\\"[[[["}', 1],
    ['{"a":{"b":1},"c":[2]}', 2],
  ])('%s nests %d levels (brackets in strings do not count)', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('stops counting past the limit, without recursing', () => {
    expect(jsonDepth('['.repeat(1_000_000), 64)).toBe(65);
  });
});

describe('escapeForSqs', () => {
  it.each([
    ['U+FFFE and U+FFFF', { name: 'a\uFFFEb\uFFFF' }],
    ['control characters', { name: '\u0000\u0001\u001F\t\n\r' }],
    ['a character beyond the BMP', { name: 'vpn-\u{1F600}' }],
    ['a lone surrogate', { name: 'x\uD800y' }],
  ])(
    'escapes %s so that the JSON reads back the same and only SQS-safe characters remain',
    (_name, value) => {
      const raw = JSON.stringify(value).replace(/\\u(ff|d8)[0-9a-f]{2}/g, (e) =>
        String.fromCharCode(Number.parseInt(e.slice(2), 16)),
      );

      const escaped = escapeForSqs(raw);

      expect(JSON.parse(escaped)).toEqual(value);
      expect(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/.test(escaped)).toBe(false);
    },
  );

  it('leaves text without such characters unchanged', () => {
    const text = '{"name":"vpn-1 ÄÖ 東京"}';
    expect(escapeForSqs(text)).toBe(text);
  });
});
