import { redactSecrets } from './responses.ts';
import type { HuaweiCredentials } from './signer.ts';

/** The secrets a call was signed with, as {@link redactSecrets} takes them. */
type Secrets = Pick<HuaweiCredentials, 'ak' | 'sk' | 'securityToken'>;

/** Redacts every string of a decoded JSON value, object keys included. */
const redactDecoded = (value: unknown, secrets: Secrets): unknown => {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDecoded(item, secrets));
  if (typeof value === 'object' && value !== null) {
    const redacted: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // `__proto__` as an own key is kept as data, never as the prototype.
      Object.defineProperty(redacted, redactSecrets(key, secrets), {
        value: redactDecoded(item, secrets),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return redacted;
  }
  return value;
};

/**
 * An answer's body with the call's secrets taken out, whatever its status: Huawei's
 * `APIGW.0301` echoes the canonical request (security token included), and a gateway or a
 * proxy may echo anything, at any status. The raw text is redacted, and so is the text JSON
 * decodes it to: a secret written with escapes (`\/`, `\u0041`) is whole again only once
 * decoded. A JSON body that held escapes comes back re-encoded from its redacted decoding.
 */
export const redactAnswerBody = (body: string, secrets: Secrets): string => {
  // Without a backslash the decoded strings are the raw text's own: the raw pass covers them.
  if (!body.includes('\\')) return redactSecrets(body, secrets);
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    // Not JSON: nothing is read from it but its status (`unreadableAnswer`).
    return redactSecrets(body, secrets);
  }
  // Decoded first, so an escaped secret is replaced whole; the raw pass then covers the rest.
  return redactSecrets(JSON.stringify(redactDecoded(decoded, secrets)), secrets);
};

/** A header value taken from an answer, with the call's secrets taken out. */
export const redactAnswerHeader = (
  value: string | undefined,
  secrets: Secrets,
): string | undefined => (value === undefined ? undefined : redactSecrets(value, secrets));
