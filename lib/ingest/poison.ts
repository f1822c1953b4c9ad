/**
 * The deepest nesting of arrays and objects a request may carry. A CloudEvent holding a CTS
 * trace nests about six levels; deeper bodies are refused before anything parses or serialises
 * them, because `JSON.stringify` recurses and overflows the stack on a deep enough value (a
 * 500 that the sender would retry for ever).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * How deep `text` nests `[` and `{`, counted without parsing (brackets inside strings do not
 * count), so that the count itself cannot overflow the stack. Stops counting past `limit`.
 */
export const jsonDepth = (text: string, limit: number = MAX_JSON_DEPTH): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
};

/**
 * Characters SQS does not take in a message body: its documented set is `#x9 | #xA | #xD |
 * #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF` (SQS API reference, `SendMessage`,
 * `MessageBody`). Anything else (other control characters, U+FFFE, U+FFFF, a lone surrogate)
 * makes SQS refuse the entry as the sender's fault.
 */
const NOT_TAKEN_BY_SQS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * `json` (valid JSON text) with every character SQS does not take written as a `\\uXXXX`
 * escape. Outside strings valid JSON holds none of them, so each one found is inside a string,
 * where the escape means the same character: whoever parses the message reads the very value
 * that was sent, and SQS takes it. (`JSON.stringify` writes U+FFFE and U+FFFF raw, so a batched
 * event that escaped them arrives here raw again.)
 */
export const escapeForSqs = (json: string): string =>
  json.replace(NOT_TAKEN_BY_SQS, (c) => {
    const code = c.codePointAt(0) ?? 0;
    // Only BMP characters can be outside the set (everything from U+10000 is allowed).
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
