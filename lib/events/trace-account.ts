import { domainIdSchema } from './ids.ts';
import type { JsonObject } from './json.ts';
import { describeValue, joinPath, type Outcome } from './problems.ts';

/** Where a trace may name an account, and what that field means. */
const CALLER_FIELDS = [
  // The CTS trace structure: `user` is a UserInfo whose `domain` (BaseUser) is the caller's account.
  ['user', 'domain', 'id'],
  // Newer editions of the same page add the account id to UserInfo itself.
  ['user', 'account_id'],
  // One edition (the Chinese page, 2025) also lists a top-level `domain_id`.
  ['domain_id'],
] as const;

/**
 * `resource_account_id`: the account that owns the resource, set only when one account acts on
 * another's resources (CTS then copies the trace to both). It, not the caller's, owns the project.
 */
const RESOURCE_ACCOUNT_FIELD = ['resource_account_id'] as const;

const at = (trace: JsonObject, keys: readonly string[]): unknown => {
  let value: unknown = trace;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as JsonObject)[key];
  }
  return value;
};

/**
 * The Huawei account (`domain_id`) a Cloud Trace trace belongs to, from what the CTS trace
 * structure carries: `resource_account_id` when the call crossed accounts, else the caller's
 * account (`user.domain.id`, `user.account_id`, or a top-level `domain_id`). `undefined` when
 * the trace names none. A malformed id, or caller fields that name two accounts, is a problem:
 * the trace's account decides which credentials act, so a doubtful one is never guessed.
 */
export function readTraceAccount(trace: JsonObject, path: string): Outcome<string | undefined> {
  const found: { field: string; id: string }[] = [];
  for (const keys of [RESOURCE_ACCOUNT_FIELD, ...CALLER_FIELDS]) {
    const value = at(trace, keys);
    if (value === undefined || value === null || value === '') continue;
    const field = joinPath(path, [...keys]);
    const parsed = domainIdSchema.safeParse(value);
    if (!parsed.success) {
      return {
        ok: false,
        problem: {
          path: field,
          message: `${parsed.error.issues[0]?.message ?? 'must be 32 hex characters'}, got ${describeValue(value)}`,
        },
      };
    }
    found.push({ field, id: parsed.data });
  }
  const [first, ...others] = found;
  if (first === undefined) return { ok: true, value: undefined };
  if (first.field.endsWith('resource_account_id')) return { ok: true, value: first.id };
  const other = others.find((o) => o.id !== first.id);
  if (other !== undefined) {
    return {
      ok: false,
      problem: {
        path: other.field,
        message: `names account ${other.id}, but ${first.field} names ${first.id}`,
      },
    };
  }
  return { ok: true, value: first.id };
}
