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
 */
const EUROPE_REGION_PREFIX = 'eu-west-1';
const DEFAULT_DOMAIN = 'myhuaweicloud.com';
const EUROPE_DOMAIN = 'myhuaweicloud.eu';

/** Whether a region is one of Huawei Cloud Europe's (`eu-west-1xx`); no region is not. */
const inEurope = (region: string | undefined): boolean =>
  region?.startsWith(EUROPE_REGION_PREFIX) ?? false;

/** `https://{service}.{region}.{domain}`: the domain by {@link inEurope}, no trailing slash. */
const regionalEndpoint = (service: string, region: string): string =>
  `https://${service}.${region}.${inEurope(region) ? EUROPE_DOMAIN : DEFAULT_DOMAIN}`;

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
  (region) => {
    const known: string | undefined = region;
    return (
      (known === undefined ? undefined : overrides.byRegion?.[known]) ??
      overrides.all ??
      fallback(region)
    );
  };

/** The endpoint resolver the VPN client takes: {@link endpointResolver} over the table above. */
export const vpnEndpointResolver = (
  overrides: EndpointOverrides = {},
): ((region: string) => string) => endpointResolver(overrides, defaultVpnEndpoint);

/**
 * Huawei STS v5 and IAM endpoints by region, by the rule of `lib/huawei/endpoints.ts`. The
 * official SDKs' IAM table and the Terraform provider use `myhuaweicloud.eu` for the European
 * `eu-west-1xx` regions and `myhuaweicloud.com` elsewhere. The SDKs' STS tables list
 * `https://sts.{region}.myhuaweicloud.com` for the regions of the STS table in `lib/accounts/document.ts`
 * only; an account is not let to call STS elsewhere without an override
 * (`lib/accounts/document.ts`). IAM is a global service:
 * `https://iam.myhuaweicloud.com`, regional in Europe. Every one can be overridden, for every
 * region (`HUAWEICLOUD_STS_ENDPOINT`, `HUAWEICLOUD_IAM_ENDPOINT`) or per region (`..._ENDPOINTS`).
 */
/** STS v5 of a region: a per-region override, the single one, or `https://sts.{region}...`. */
export const stsEndpointResolver = (
  overrides: EndpointOverrides = {},
): ((region: string) => string) =>
  endpointResolver(overrides, (region: string) => regionalEndpoint('sts', region));

/** Cloud Eye of a region: `https://ces.{region}.myhuaweicloud.com` (`.eu` in Europe), or the override. */
export const cloudEyeEndpointResolver = (
  overrides: EndpointOverrides = {},
): ((region: string) => string) =>
  endpointResolver(overrides, (region: string) => regionalEndpoint('ces', region));

/**
 * IAM for a region (`undefined`: no region known, the global endpoint): a per-region override,
 * the single one, the European regional endpoint, or the global one.
 */
export const iamEndpointResolver = (
  overrides: EndpointOverrides = {},
): ((region: string | undefined) => string) =>
  endpointResolver(overrides, (region: string | undefined) =>
    region !== undefined && inEurope(region)
      ? regionalEndpoint('iam', region)
      : 'https://iam.myhuaweicloud.com',
  );
