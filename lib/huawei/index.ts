/**
 * The face of `lib/huawei/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /** Keeps a container's Huawei calls under Huawei's rate limit, per project, without knowing it. */
  AdaptivePacer,
  /** The pacer's production settings. */
  DEFAULT_PACER_SETTINGS,
} from './adaptive-pacer.ts';
export {
  /** A credentials provider that also tells the last set it fetched (for its identity). */
  type CachedCredentials,
  /** Where the Huawei credentials come from. */
  type CredentialSource,
  /** Hands out the current Huawei credentials. */
  type CredentialsProvider,
  /** Credentials fetched once and shared until refreshed or about to expire. */
  cachedCredentials,
  /** Credentials from the configured source. */
  createCredentialsProvider,
  /** The identity of a set of credentials, never their value. */
  credentialsIdentity,
  /** Reads a secret's string value. */
  type SecretReader,
} from './credentials.ts';
export {
  /** Cloud Eye of a region (`https://ces.{region}...`), or the override. */
  cloudEyeEndpointResolver,
  /** The documented (or, for Europe, inferred) VPN endpoint of a region, without a trailing slash. */
  defaultVpnEndpoint,
  /** What decides a region's endpoint. */
  type EndpointOverrides,
  /** IAM for a region (`undefined`: no region known, the global endpoint). */
  iamEndpointResolver,
  /** STS v5 of a region. */
  stsEndpointResolver,
  /** The endpoint resolver the VPN client takes. */
  vpnEndpointResolver,
} from './endpoints.ts';
export {
  /** Keep-alive connection pools per origin, for a client of its own (Cloud Eye). */
  createKeepAlivePools,
  /** The keep-alive pools a client sends through. */
  type KeepAlivePools,
  /** Sends one signed Huawei request, with its attempt timeout. */
  sendHuaweiRequest,
} from './http-request.ts';
export type {
  /** The client {@link createHuaweiIdentityClient} builds. */
  HuaweiIdentityClient,
  /** Where Huawei STS and IAM live, per region (the tables are in `lib/config/`). */
  IdentityEndpoints,
  /** Temporary credentials. */
  TemporaryCredentials,
} from './huawei-identity.ts';
export {
  /**
   * The Huawei identity client (STS `assume`, `assume-with-oidc`, IAM `securitytokens`,
   * `auth/projects`), loaded on its first call.
   */
  createLazyIdentityClient,
} from './lazy-identity.ts';
export {
  /**
   * Huawei STS or IAM refused to hand out an account's credentials (an agency that does not trust
   * the caller, a web identity token it does not accept) or answered with an error.
   */
  AccountCredentialsError,
  /** A Huawei answer checked against its expected status and schema, or a typed error. */
  expectAnswer,
  /** A `Retry-After` header in milliseconds, capped. */
  parseJson,
  parseRetryAfter,
  /** A text with anything shaped like a secret replaced, for errors and logs. */
  redactedAnswer,
  /** A network failure of a Huawei call as the project's typed error. */
  toNetworkError,
} from './responses.ts';
export type {
  /** A connection monitor as Huawei's VPN API returns it. */
  ConnectionMonitor,
  /** A VPN connection as Huawei's VPN API returns it. */
  VpnConnection,
} from './schemas.ts';
export {
  /** Percent-encodes a query value the way Huawei's signer does (RFC 3986). */
  encodeRfc3986,
} from './signer.ts';
export {
  /** A call's own limits: its deadline and stop signal. */
  type CallOptions,
  /** The Huawei Cloud VPN API. */
  HuaweiVpnClient,
  /** Which project, in which region, a call is about. */
  type VpnTarget,
} from './vpn-client.ts';
