import {
  type EndpointOverrides,
  endpointResolver,
  inEurope,
  regionalEndpoint,
} from '../huawei/endpoints.ts';

/**
 * Huawei STS v5 and IAM endpoints by region, by the rule of `lib/huawei/endpoints.ts`. The
 * official SDKs' IAM table and the Terraform provider use `myhuaweicloud.eu` for the European
 * `eu-west-1xx` regions and `myhuaweicloud.com` elsewhere. The SDKs' STS tables list
 * `https://sts.{region}.myhuaweicloud.com` for the regions of `sts-regions.ts` only; an account
 * is not let to call STS elsewhere without an override (`document.ts`). IAM is a global service:
 * `https://iam.myhuaweicloud.com`, regional in Europe. Every one can be overridden, for every
 * region (`HUAWEICLOUD_STS_ENDPOINT`, `HUAWEICLOUD_IAM_ENDPOINT`) or per region (`..._ENDPOINTS`).
 */
/** STS v5 of a region: a per-region override, the single one, or `https://sts.{region}...`. */
export const stsEndpointResolver = (
  overrides: EndpointOverrides = {},
): ((region: string) => string) =>
  endpointResolver(overrides, (region: string) => regionalEndpoint('sts', region));

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
