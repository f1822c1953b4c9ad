/**
 * Huawei STS and IAM endpoints by region. The official SDKs' IAM table and the Terraform
 * provider use `myhuaweicloud.eu` for the European `eu-west-1xx` regions and
 * `myhuaweicloud.com` elsewhere; STS is assumed to follow the same rule (*unverified*: no
 * public table lists STS v5 endpoints). Both can be overridden (`HUAWEICLOUD_STS_ENDPOINT`,
 * `HUAWEICLOUD_IAM_ENDPOINT`).
 */
const domainOf = (region: string): string =>
  /^eu-west-1\d\d$/.test(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';

/** `https://sts.{region}.myhuaweicloud.com` (`.eu` for `eu-west-1xx`). */
export const defaultStsEndpoint = (region: string): string =>
  `https://sts.${region}.${domainOf(region)}`;

/**
 * IAM is a global service: `https://iam.myhuaweicloud.com`, or the regional
 * `https://iam.{region}.myhuaweicloud.eu` in the European regions.
 */
export const defaultIamEndpoint = (region: string | undefined): string =>
  region !== undefined && domainOf(region) === 'myhuaweicloud.eu'
    ? `https://iam.${region}.myhuaweicloud.eu`
    : 'https://iam.myhuaweicloud.com';
