import { printable } from '../events/index.ts';
import type { Log } from '../log.ts';
import type { SmnSigned } from './decode.ts';
import type { IngestCounters } from './metrics.ts';
import { type IngestResponse, jsonResponse } from './request.ts';

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

/** What answering an SMN subscription message needs. */
export interface SubscriptionDeps {
  smn: SmnConfirmationPolicy;
  fetchUrl: ConfirmFetch;
  log: Log;
  counters: IngestCounters;
}

const FETCH_TIMEOUT_MS = 5_000;

/** What an SMN message is logged by: its type, topic and id, never its content. */
export const smnContext = ({ type, fields }: SmnSigned) => ({
  smnType: type,
  topicUrn: typeof fields.topic_urn === 'string' ? fields.topic_urn : undefined,
  messageId: typeof fields.message_id === 'string' ? fields.message_id : undefined,
});

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

/** `value` as a URL, or `undefined` when it is not one. */
export const parseUrl = (value: string): URL | undefined => {
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
 * path passes too, as local runs send.) Anything else it might point at (metadata
 * services, internal hosts, a look-alike such as `console.huaweicloud.com.evil.example`) is
 * never fetched.
 */
export const refusalOf = (
  subscribeUrl: string | undefined,
  policy: SmnConfirmationPolicy,
): string | undefined => {
  if (subscribeUrl === undefined) return 'the message has no subscribe_url';
  const url = parseUrl(subscribeUrl);
  if (url === undefined) return 'subscribe_url is not a URL';
  if (url.username !== '' || url.password !== '') return 'subscribe_url carries credentials';
  if (url.pathname !== CONFIRM_PATH) return `subscribe_url's path is not ${CONFIRM_PATH}`;
  const override =
    policy.endpointOverride === undefined ? undefined : parseUrl(policy.endpointOverride);
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

/**
 * Fetches a URL that passed its checks, once, where {@link fetchedUrl} says; redirects are not
 * followed, so the allowed host cannot send the request anywhere else.
 */
export const fetchChecked = (
  url: string,
  policy: SmnConfirmationPolicy,
  fetchUrl: ConfirmFetch,
): Promise<Response> =>
  fetchUrl(fetchedUrl(url, policy), {
    method: 'GET',
    redirect: 'manual',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });

/**
 * Answers an SMN subscription (un)confirmation: a confirmation is confirmed by fetching its
 * `subscribe_url` only when {@link refusalOf} allows it, otherwise refused (400) and logged for
 * an operator; a failed fetch is answered 502 so SMN may send it again; an unsubscribe is logged
 * and acknowledged.
 */
export const handleSmnControl = async (
  deps: SubscriptionDeps,
  message: SmnSigned,
): Promise<IngestResponse> => {
  const url = message.fields.subscribe_url;
  const subscribeUrl = typeof url === 'string' ? url : undefined;
  const context = smnContext(message);
  if (message.type === 'UnsubscribeConfirmation') {
    deps.log.warn('SMN says the subscription to this endpoint was cancelled', context);
    return jsonResponse(200, { message: 'Unsubscribe confirmation noted' });
  }
  const refusal = refusalOf(subscribeUrl, deps.smn);
  const host = subscribeUrl === undefined ? undefined : parseUrl(subscribeUrl)?.host;
  if (refusal !== undefined || subscribeUrl === undefined || host === undefined) {
    const why = refusal ?? 'subscribe_url is not a URL';
    deps.counters.count('EventsRejected', 1, 'smn-confirmation-refused');
    deps.log.warn(
      'SMN subscription confirmation refused: an operator must check the topic and confirm it in the SMN console if it is ours',
      // The URL is SMN's confirmation link, not our token: logged so an operator can open it.
      { ...context, host, why, subscribeUrl: printable(subscribeUrl ?? '', 2_048) },
    );
    return jsonResponse(400, { message: `Subscription confirmation refused: ${why}` });
  }
  let why: string;
  try {
    const response = await fetchChecked(subscribeUrl, deps.smn, deps.fetchUrl);
    await response.body?.cancel();
    if (response.ok) {
      deps.log.info('SMN subscription confirmed', { ...context, host });
      return jsonResponse(200, { message: 'Subscription confirmed' });
    }
    why = `SMN answered HTTP ${response.status}`;
  } catch (error: unknown) {
    why = error instanceof Error ? error.message : String(error);
  }
  deps.log.error('SMN subscription confirmation failed; SMN may send it again', {
    ...context,
    host,
    why,
  });
  return jsonResponse(502, { message: 'Subscription confirmation failed; send it again' });
};
