import { redactSecrets } from './responses.ts';
import type { HuaweiCredentials } from './signer.ts';

/** The secrets a call was signed with, as {@link redactSecrets} takes them. */
type Secrets = Pick<HuaweiCredentials, 'ak' | 'sk' | 'securityToken'>;

/**
 * `text` without the signer's secrets (and any run of 16 of them) nor the `others` (tokens an
 * identity call sent or may echo, replaced where they appear whole).
 */
const redactText = (
  text: string,
  secrets: Secrets | undefined,
  others: readonly string[],
): string => {
  let redacted = secrets ? redactSecrets(text, secrets) : text;
  for (const secret of others) {
    if (secret !== '' && redacted.includes(secret))
      redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
};

/** Redacts every string of a decoded JSON value, object keys included. */
const redactDecoded = (
  value: unknown,
  secrets: Secrets | undefined,
  others: readonly string[],
): unknown => {
  if (typeof value === 'string') return redactText(value, secrets, others);
  if (Array.isArray(value)) return value.map((item) => redactDecoded(item, secrets, others));
  if (typeof value === 'object' && value !== null) {
    const redacted: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // `__proto__` as an own key is kept as data, never as the prototype.
      Object.defineProperty(redacted, redactText(key, secrets, others), {
        value: redactDecoded(item, secrets, others),
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
 * An answer's body with the call's secrets taken out, whatever its status and whichever Huawei
 * API answered (VPN or identity): Huawei's `APIGW.0301` echoes the canonical request (security
 * token included), and a gateway or a proxy may echo anything, at any status. `secrets` are
 * the signer's (none for an unsigned call), `others` the tokens a call sent besides. The raw
 * text is redacted, and so is the text JSON decodes it to: a secret written with escapes (`\/`,
 * `\u0041`) is whole again only once decoded. A JSON body that held escapes comes back
 * re-encoded from its redacted decoding.
 */
export const redactAnswerBody = (
  body: string,
  secrets: Secrets | undefined,
  others: readonly string[] = [],
): string => {
  // Without a backslash the decoded strings are the raw text's own: the raw pass covers them.
  if (!body.includes('\\')) return redactText(body, secrets, others);
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    // Not JSON: nothing is read from it but its status (`unreadableAnswer`).
    return redactText(body, secrets, others);
  }
  // Decoded first, so an escaped secret is replaced whole; the raw pass then covers the rest.
  return redactText(JSON.stringify(redactDecoded(decoded, secrets, others)), secrets, others);
};

/** A header value taken from an answer, with the call's secrets taken out. */
export const redactAnswerHeader = (
  value: string | undefined,
  secrets: Secrets | undefined,
  others: readonly string[] = [],
): string | undefined => (value === undefined ? undefined : redactText(value, secrets, others));
