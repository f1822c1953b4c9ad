import type { SmnControlMessage } from './decode.ts';

/** Fetches an SMN or console URL; `fetch` in production, a stand-in in tests. */
export type ConfirmFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Which SMN URLs may be fetched, and from which topics messages are taken. */
export interface SmnConfirmationPolicy {
  /** Regions whose SMN and console hosts may be fetched. */
  regions: readonly string[];
  /**
   * Where a URL that passed the checks is fetched instead, keeping its path and query:
   * `https://`, or `http://` on a loopback host (local runs and tests, where the SMN stand-in
   * answers for Huawei's hosts). It changes where a fetch goes, never which URLs pass.
   */
  endpointOverride: string | undefined;
  /** When set, messages from any other topic are refused (`SMN_TOPIC_URNS`). */
  topicUrns?: readonly string[] | undefined;
}

/** What became of a subscription confirmation. */
export type ConfirmationOutcome =
  | { status: 'confirmed'; host: string }
  | { status: 'refused'; host: string | undefined; why: string }
  | { status: 'failed'; host: string; why: string };

const CONFIRM_TIMEOUT_MS = 5_000;

/** The path of every documented and captured SMN confirmation link. */
const CONFIRM_PATH = '/smn/subscription/confirm';

/**
 * Huawei's console hosts, which real confirmations point at: the Chinese-mainland site's
 * `console.huaweicloud.com` and `<region>-console.huaweicloud.com`, the international site's
 * `console-intl.huaweicloud.com` and the European site's `console.eu.huaweicloud.com`; the
 * regional international form `<region>-console-intl.huaweicloud.com` is by analogy
 * (docs/huawei-api.md). A region prefix must be one of the configured regions.
 */
const consoleHosts = (regions: readonly string[]): Set<string> =>
  new Set([
    'console.huaweicloud.com',
    'console-intl.huaweicloud.com',
    'console.eu.huaweicloud.com',
    ...regions.flatMap((region) => [
      `${region}-console.huaweicloud.com`,
      `${region}-console-intl.huaweicloud.com`,
    ]),
  ]);

/**
 * SMN's own regional hosts: `smn.<region>.myhuaweicloud.com`, and `.myhuaweicloud.eu` for the
 * European regions (`eu-west-1*`), as the SDKs' SMN region tables spell them.
 */
export const smnHosts = (regions: readonly string[]): Set<string> =>
  new Set(
    regions.map((region) =>
      region.startsWith('eu-west-1')
        ? `smn.${region}.myhuaweicloud.eu`
        : `smn.${region}.myhuaweicloud.com`,
    ),
  );

/** Why `url` is not a plain `https://` URL on the default port without credentials. */
export const plainHttpsRefusal = (url: URL, name: string): string | undefined => {
  if (url.username !== '' || url.password !== '') return `${name} carries credentials`;
  if (url.protocol !== 'https:') return `${name} is not https`;
  if (url.port !== '') return `${name} names a port`;
  return undefined;
};

const parse = (value: string): URL | undefined => {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
};

/**
 * Why `subscribeUrl` may not be fetched, or `undefined` when it may: it must be
 * `https://<console or SMN host of a configured region>/smn/subscription/confirm?...`, with no
 * credentials and the default port. (With an override, a link on the override's own origin and
 * path passes too, as local runs used to send.) Anything else it might point at (metadata
 * services, internal hosts, a look-alike such as `console.huaweicloud.com.evil.example`) is
 * never fetched.
 */
export const refusalOf = (
  subscribeUrl: string | undefined,
  policy: SmnConfirmationPolicy,
): string | undefined => {
  if (subscribeUrl === undefined) return 'the message has no subscribe_url';
  const url = parse(subscribeUrl);
  if (url === undefined) return 'subscribe_url is not a URL';
  if (url.username !== '' || url.password !== '') return 'subscribe_url carries credentials';
  if (url.pathname !== CONFIRM_PATH) return `subscribe_url's path is not ${CONFIRM_PATH}`;
  const override =
    policy.endpointOverride === undefined ? undefined : parse(policy.endpointOverride);
  if (override !== undefined && url.origin === override.origin) return undefined;
  const plain = plainHttpsRefusal(url, 'subscribe_url');
  if (plain !== undefined) return plain;
  if (policy.regions.length === 0) return 'no SMN region is configured (SMN_CONFIRM_REGIONS)';
  if (
    !consoleHosts(policy.regions).has(url.hostname) &&
    !smnHosts(policy.regions).has(url.hostname)
  ) {
    return `subscribe_url is not on Huawei's console or SMN host of a configured region (${policy.regions.join(', ')})`;
  }
  return undefined;
};

/** `url` as fetched: on the override's origin when there is one, else unchanged. */
export const fetchedUrl = (url: string, policy: SmnConfirmationPolicy): string => {
  if (policy.endpointOverride === undefined) return url;
  const parsed = new URL(url);
  return `${policy.endpointOverride.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
};

const hostOf = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : parse(value)?.host;

/**
 * Confirms an SMN HTTP(S) subscription by fetching its `subscribe_url` once, only when
 * {@link refusalOf} allows it; redirects are not followed, so the allowed host cannot send the
 * request anywhere else.
 */
export const confirmSubscription = async (
  message: SmnControlMessage,
  policy: SmnConfirmationPolicy,
  fetchUrl: ConfirmFetch,
): Promise<ConfirmationOutcome> => {
  const refusal = refusalOf(message.subscribeUrl, policy);
  const host = hostOf(message.subscribeUrl);
  if (refusal !== undefined || message.subscribeUrl === undefined || host === undefined) {
    return { status: 'refused', host, why: refusal ?? 'subscribe_url is not a URL' };
  }
  try {
    const response = await fetchUrl(fetchedUrl(message.subscribeUrl, policy), {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(CONFIRM_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok
      ? { status: 'confirmed', host }
      : { status: 'failed', host, why: `SMN answered HTTP ${response.status}` };
  } catch (error: unknown) {
    return { status: 'failed', host, why: error instanceof Error ? error.message : String(error) };
  }
};
