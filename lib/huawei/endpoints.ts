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

/** The documented (or, for Europe, inferred) VPN endpoint of a region, without a trailing slash. */
export const defaultVpnEndpoint = (region: string): string =>
  `https://vpn.${region}.${region.startsWith(EUROPE_REGION_PREFIX) ? EUROPE_DOMAIN : DEFAULT_DOMAIN}`;

/** What decides a region's endpoint: one override for every region, then per-region ones. */
interface EndpointOverrides {
  /** `HUAWEICLOUD_VPN_ENDPOINT`: every region (a simulator, a proxy). */
  all?: string | undefined;
  /** `HUAWEICLOUD_VPN_ENDPOINTS`: region → endpoint. */
  byRegion?: Readonly<Record<string, string>>;
}

/**
 * The endpoint resolver the client takes: a per-region override wins, then the single
 * override, then the table above.
 */
export const vpnEndpointResolver =
  (overrides: EndpointOverrides = {}): ((region: string) => string) =>
  (region) =>
    overrides.byRegion?.[region] ?? overrides.all ?? defaultVpnEndpoint(region);
