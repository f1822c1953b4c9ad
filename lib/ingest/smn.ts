import type { SmnControlMessage } from './decode.ts';

/** Fetches a subscription confirmation URL; `fetch` in production, a stand-in in tests. */
export type ConfirmFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Which SMN confirmation URLs may be fetched. */
export interface SmnConfirmationPolicy {
  /** Regions whose SMN endpoint, `https://smn.{region}.myhuaweicloud.com`, may be fetched. */
  regions: readonly string[];
  /**
   * Replaces the SMN endpoints of `regions`: `https://`, or `http://` on a loopback host (local
   * runs). Its origin is then the only one fetched.
   */
  endpointOverride: string | undefined;
}

/** What became of a subscription confirmation. */
export type ConfirmationOutcome =
  | { status: 'confirmed'; host: string }
  | { status: 'refused'; host: string | undefined; why: string }
  | { status: 'failed'; host: string; why: string };

const CONFIRM_TIMEOUT_MS = 5_000;

const allowedOrigins = (policy: SmnConfirmationPolicy): Set<string> =>
  new Set(
    policy.endpointOverride === undefined
      ? policy.regions.map((region) => `https://smn.${region}.myhuaweicloud.com`)
      : [new URL(policy.endpointOverride).origin],
  );

/**
 * Why `subscribeUrl` may not be fetched, or `undefined` when it may: it must be on the SMN
 * endpoint of a configured region, over `https`, with no credentials in it and the default
 * port. Anything else it might point at (metadata services, internal hosts) is never fetched.
 */
export const refusalOf = (
  subscribeUrl: string | undefined,
  policy: SmnConfirmationPolicy,
): string | undefined => {
  if (subscribeUrl === undefined) return 'the message has no subscribe_url';
  let url: URL;
  try {
    url = new URL(subscribeUrl);
  } catch {
    return 'subscribe_url is not a URL';
  }
  if (url.username !== '' || url.password !== '') return 'subscribe_url carries credentials';
  if (!allowedOrigins(policy).has(url.origin)) {
    return policy.regions.length === 0 && policy.endpointOverride === undefined
      ? 'no SMN region is configured (SMN_CONFIRM_REGIONS)'
      : `subscribe_url is not on the SMN endpoint of a configured region (${policy.regions.join(', ') || 'override'})`;
  }
  return undefined;
};

const hostOf = (value: string | undefined): string | undefined => {
  try {
    return value === undefined ? undefined : new URL(value).host;
  } catch {
    return undefined;
  }
};

/**
 * Confirms an SMN HTTP(S) subscription by fetching its `subscribe_url`, only when
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
    const response = await fetchUrl(message.subscribeUrl, {
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
