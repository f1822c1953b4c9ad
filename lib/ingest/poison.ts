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
 * Characters that may not reach SQS raw. SQS documents `#x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF` for a message body (API reference, `SendMessage`,
 * `MessageBody`), but its refusal (`InvalidMessageContents`, as the emulator reproduces it) lists
 * only the ranges up to #xFFFD; so everything else, characters beyond the BMP too, is escaped.
 * Without the `u` flag the pattern sees UTF-16 code units: a character beyond the BMP is two
 * surrogates, each escaped, which JSON reads back as that one character.
 */
const NOT_TAKEN_BY_SQS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/g;

/**
 * `json` (valid JSON text) with every character SQS may refuse written as a `\\uXXXX` escape.
 * Outside strings valid JSON holds none of them, so each one found is inside a string, where the
 * escape means the same character: whoever parses the message reads the very value that was
 * sent, and SQS takes it. (`JSON.stringify` writes U+FFFE and U+FFFF raw, so a batched event
 * that escaped them arrives here raw again.)
 */
export const escapeForSqs = (json: string): string =>
  json.replace(
    NOT_TAKEN_BY_SQS,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
