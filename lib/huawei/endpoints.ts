/**
 * Where the VPN API of a region lives. Huawei's hosts are `https://vpn.{region}.{domain}`; the
 * domain is `myhuaweicloud.com` except in Huawei Cloud Europe, and the sources disagree or are
 * silent on which host answers there:
 * - the Terraform provider (`huaweicloud/provider.go`) builds every service's host from a
 *   "cloud" domain that it switches to `myhuaweicloud.eu` for regions whose name starts with
 *   `eu-west-1` (`eu-west-101`, Dublin);
 * - the official SDKs' region tables of other services (VPC, CES, IAM...) list
 *   `{service}.eu-west-101.myhuaweicloud.eu`;
 * - the Go SDK's VPN table (`services/vpn/v5/region/region.go`) lists only `.com` hosts and has
 *   no `eu-west-101` entry at all.
 * Not documented for VPN, then: we follow the Terraform provider, and `HUAWEICLOUD_VPN_ENDPOINTS`
 * overrides any region whose host turns out to be another.
 *
 * Whether a region is one of Huawei Cloud Europe's (`eu-west-1xx`). */
const inEurope = (region: string): boolean => region.startsWith('eu-west-1');

/** `https://{service}.{region}.{domain}`: `.eu` in Europe, no trailing slash. */
const regionalEndpoint = (service: string, region: string): string =>
  `https://${service}.${region}.${inEurope(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'}`;

/** The documented (or, for Europe, inferred) VPN endpoint of a region, without a trailing slash. */
export const defaultVpnEndpoint = (region: string): string => regionalEndpoint('vpn', region);

/** What decides a region's endpoint: one override for every region, then per-region ones. */
export interface EndpointOverrides {
  /** `HUAWEICLOUD_{SERVICE}_ENDPOINT`: every region (a simulator, a proxy). */
  all?: string | undefined;
  /** `HUAWEICLOUD_{SERVICE}_ENDPOINTS`: region → endpoint. */
  byRegion?: Readonly<Record<string, string>>;
}

/**
 * A service's endpoint resolver: a per-region override wins, then the single override, then
 * `fallback` (the service's own table). A region of `undefined` (a global service's caller that
 * knows none) takes no per-region override.
 */
const endpointResolver =
  <R extends string | undefined>(
    overrides: EndpointOverrides,
    fallback: (region: R) => string,
  ): ((region: R) => string) =>
  (region) =>
    (region === undefined ? undefined : overrides.byRegion?.[region]) ??
    overrides.all ??
    fallback(region);

/** A regional service's resolver: the overrides, then `https://{service}.{region}.{domain}`. */
const regionalResolver =
  (service: string) =>
  (overrides: EndpointOverrides = {}): ((region: string) => string) =>
    endpointResolver(overrides, (region: string) => regionalEndpoint(service, region));

/** The endpoint resolver the VPN client takes. */
export const vpnEndpointResolver = regionalResolver('vpn');

/**
 * STS v5 of a region. The SDKs list STS hosts only for the regions of `STS_REGIONS`
 * (`lib/accounts/document.ts`), which refuses an account STS elsewhere without an override.
 */
export const stsEndpointResolver = regionalResolver('sts');

/** Cloud Eye of a region. */
export const cloudEyeEndpointResolver = regionalResolver('ces');

/**
 * IAM for a region (`undefined`: no region known): a per-region override, the single one, the
 * European regional endpoint (the SDKs' IAM table, the Terraform provider), or the global one:
 * IAM is a global service.
 */
export const iamEndpointResolver = (
  overrides: EndpointOverrides = {},
): ((region: string | undefined) => string) =>
  endpointResolver(overrides, (region: string | undefined) =>
    region !== undefined && inEurope(region)
      ? regionalEndpoint('iam', region)
      : 'https://iam.myhuaweicloud.com',
  );
