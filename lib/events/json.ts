import { describeValue, type Outcome, printable } from './problems.ts';

/** A parsed JSON object (not an array, not `null`). */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object; false for arrays, `null` and every other value. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `key` is an own property: inherited names such as `constructor` do not count. */
export function hasKey(value: JsonObject, key: string): boolean {
  return Object.hasOwn(value, key);
}

/**
 * Parses `text`, found at `path` (`''` for the body itself), as a JSON object. Never throws: a
 * syntax error or a value that is not an object becomes the problem.
 */
export function parseJsonObject(text: string, path: string): Outcome<JsonObject> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    const reason = printable(error instanceof Error ? error.message : String(error), 160);
    return {
      ok: false,
      problem: { path, message: `is not JSON (${reason})`, cause: error },
    };
  }
  if (!isJsonObject(value)) {
    return {
      ok: false,
      problem: { path, message: `must be a JSON object, got ${describeValue(value)}` },
    };
  }
  return { ok: true, value };
}
