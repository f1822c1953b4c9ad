/**
 * Huawei STS v5 and IAM endpoints by region, in the style of `lib/huawei/endpoints.ts`. The
 * official SDKs' IAM table and the Terraform provider use `myhuaweicloud.eu` for the European
 * `eu-west-1xx` regions and `myhuaweicloud.com` elsewhere; STS v5 is assumed to follow the same
 * rule (*not documented*: no public table lists its endpoints). IAM is a global service:
 * `https://iam.myhuaweicloud.com`, regional in Europe. Every one can be overridden, for every
 * region (`HUAWEICLOUD_STS_ENDPOINT`, `HUAWEICLOUD_IAM_ENDPOINT`) or per region (`..._ENDPOINTS`).
 */
const EUROPE_REGION_PREFIX = 'eu-west-1';

const inEurope = (region: string | undefined): boolean =>
  region?.startsWith(EUROPE_REGION_PREFIX) ?? false;

/** One override for every region, then per-region ones. */
interface EndpointOverrides {
  all?: string | undefined;
  byRegion?: Readonly<Record<string, string>>;
}

/** STS v5 of a region: a per-region override, the single one, or `https://sts.{region}...`. */
export const stsEndpointResolver =
  (overrides: EndpointOverrides = {}): ((region: string) => string) =>
  (region) =>
    overrides.byRegion?.[region] ??
    overrides.all ??
    `https://sts.${region}.${inEurope(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'}`;

/**
 * IAM for a region (`undefined`: no region known, the global endpoint): a per-region override,
 * the single one, the European regional endpoint, or the global one.
 */
export const iamEndpointResolver =
  (overrides: EndpointOverrides = {}): ((region: string | undefined) => string) =>
  (region) =>
    (region === undefined ? undefined : overrides.byRegion?.[region]) ??
    overrides.all ??
    (inEurope(region) ? `https://iam.${region}.myhuaweicloud.eu` : 'https://iam.myhuaweicloud.com');
