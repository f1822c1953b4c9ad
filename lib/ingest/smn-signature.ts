import { type KeyObject, verify, X509Certificate } from 'node:crypto';
import type { SmnSigned } from './decode.ts';
import {
  type ConfirmFetch,
  fetchChecked,
  parseUrl,
  plainHttpsRefusal,
  type SmnConfirmationPolicy,
  smnHosts,
} from './smn.ts';

/** What checking an SMN message found. */
type SmnCheck =
  | { ok: true }
  /** The message is refused: it is not SMN's, or not from an allowed topic. */
  | { ok: false; refused: true; reason: 'smn-unsigned' | 'smn-topic-not-allowed'; why: string }
  /** The signing certificate could not be had: a dependency failed, the sender may retry. */
  | { ok: false; refused: false; why: string };

/** Verifies SMN messages; one per container, so certificates are fetched once. */
export interface SmnVerifier {
  check(message: SmnSigned): Promise<SmnCheck>;
}

const MAX_CERT_BYTES = 64 * 1024;
/** Certificates kept; SMN uses one per region, so a few cover every configured region. */
const MAX_CACHED_CERTS = 32;
/** SMN's certificate file names: `SMN_<region>_<hex>.pem` in every capture. */
const CERT_PATH = /^\/smn\/[A-Za-z0-9._-]+\.pem$/;

/**
 * The fields a signature covers, in order (SMN user guide, "Message Signature Verification";
 * the guide's Java, Node.js and Go samples build the same string): a notification signs
 * `message`, `message_id`, `subject` (only when not empty), `timestamp`, `topic_urn`, `type`;
 * a (un)subscribe confirmation signs `message`, `message_id`, `subscribe_url`, `timestamp`,
 * `topic_urn`, `type`.
 */
const signedFields = (third: string) =>
  ['message', 'message_id', third, 'timestamp', 'topic_urn', 'type'] as const;
const SIGNED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Notification: signedFields('subject'),
  SubscriptionConfirmation: signedFields('subscribe_url'),
  UnsubscribeConfirmation: signedFields('subscribe_url'),
};

/**
 * The string SMN signs for `fields`: each signed field's name on a line, its value on the next,
 * every line ending in `\n`; `undefined` when a field it needs is missing or not a string. An
 * empty or missing `subject` is left out, as the guide says.
 */
export const smnStringToSign = (fields: Readonly<Record<string, unknown>>): string | undefined => {
  const names = SIGNED_FIELDS[String(fields.type)];
  if (names === undefined) return undefined;
  let text = '';
  for (const name of names) {
    const value = fields[name];
    if (name === 'subject' && (value === undefined || value === null || value === '')) continue;
    if (typeof value !== 'string') return undefined;
    text += `${name}\n${value}\n`;
  }
  return text;
};

/**
 * Why `certUrl` may not be fetched, or `undefined` when it may: only
 * `https://smn.<configured region>.myhuaweicloud.com/smn/<name>.pem` (`.eu` for `eu-west-1*`),
 * the only form any documented or captured message carries.
 */
export const certificateUrlRefusal = (
  certUrl: string,
  policy: SmnConfirmationPolicy,
): string | undefined => {
  const url = parseUrl(certUrl);
  if (url === undefined) return 'signing_cert_url is not a URL';
  const plain = plainHttpsRefusal(url, 'signing_cert_url');
  if (plain !== undefined) return plain;
  if (!smnHosts(policy.regions).has(url.hostname)) {
    return `signing_cert_url is not on the SMN host of a configured region (${policy.regions.join(', ') || 'none configured'})`;
  }
  if (!CERT_PATH.test(url.pathname) || url.search !== '' || url.hash !== '') {
    return 'signing_cert_url is not an SMN certificate path (/smn/<name>.pem)';
  }
  return undefined;
};

const unsigned = (why: string): SmnCheck => ({
  ok: false,
  refused: true,
  reason: 'smn-unsigned',
  why,
});

/**
 * Checks SMN messages: the topic against the allow-list (when one is configured), then the
 * signature (`signature_version` `v1`: RSA PKCS #1 v1.5 over SHA-256, base64, as the guide's Go
 * sample verifies) against the certificate at `signing_cert_url`, fetched only from SMN's own
 * host (see {@link certificateUrlRefusal}) by {@link fetchChecked}, and kept for the
 * container's life. A failed fetch is not kept, so the next message tries again.
 */
export const createSmnVerifier = (
  policy: SmnConfirmationPolicy,
  fetchUrl: ConfirmFetch,
): SmnVerifier => {
  const keys = new Map<string, Promise<KeyObject>>();

  const loadKey = async (certUrl: string): Promise<KeyObject> => {
    const response = await fetchChecked(certUrl, policy, fetchUrl);
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the SMN certificate host answered HTTP ${response.status}`);
    }
    const pem = await response.text();
    if (pem.length > MAX_CERT_BYTES) throw new Error('the SMN certificate is too large');
    return new X509Certificate(pem).publicKey;
  };

  const keyFor = (certUrl: string): Promise<KeyObject> => {
    const known = keys.get(certUrl);
    if (known !== undefined) return known;
    if (keys.size >= MAX_CACHED_CERTS) keys.clear();
    const loading = loadKey(certUrl);
    keys.set(certUrl, loading);
    loading.catch(() => {
      if (keys.get(certUrl) === loading) keys.delete(certUrl);
    });
    return loading;
  };

  return {
    check: async ({ fields }) => {
      if (policy.topicUrns !== undefined && !policy.topicUrns.includes(String(fields.topic_urn))) {
        return {
          ok: false,
          refused: true,
          reason: 'smn-topic-not-allowed',
          why: 'the topic is not one of SMN_TOPIC_URNS',
        };
      }
      const { signature, signature_version: version, signing_cert_url: certUrl } = fields;
      if (typeof signature !== 'string' || signature === '')
        return unsigned('the message has no signature');
      if (typeof version !== 'string' || version.toLowerCase() !== 'v1') {
        return unsigned('signature_version is not v1, the only one SMN documents');
      }
      if (typeof certUrl !== 'string') return unsigned('the message has no signing_cert_url');
      const refusal = certificateUrlRefusal(certUrl, policy);
      if (refusal !== undefined) return unsigned(refusal);
      const signed = smnStringToSign(fields);
      if (signed === undefined) return unsigned('a field the signature covers is missing');
      let key: KeyObject;
      try {
        key = await keyFor(certUrl);
      } catch (error: unknown) {
        const why = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          refused: false,
          why: `the SMN signing certificate could not be read: ${why}`,
        };
      }
      const valid = verify('sha256', Buffer.from(signed), key, Buffer.from(signature, 'base64'));
      return valid ? { ok: true } : unsigned('the signature does not match the message');
    },
  };
};
