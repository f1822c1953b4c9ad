import type { EndpointOverrides } from '../huawei/endpoints.ts';

/**
 * The regions whose Huawei STS endpoint an official SDK lists. The Python and Node SDKs'
 * tables (`huaweicloudsdksts/v1/region/sts_region.py`, `services/sts/v1/StsRegion.ts`) list the
 * first twelve; the Go SDK's (`services/sts/v1/region/region.go`) adds `cn-north-9` and
 * `cn-south-4`. Every one is `https://sts.{region}.myhuaweicloud.com`. No table lists a
 * European (`eu-west-1xx`) region, so there the host would be a guess.
 */
export const STS_REGIONS: ReadonlySet<string> = new Set([
  'cn-north-4',
  'cn-south-1',
  'cn-east-3',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'sa-brazil-1',
  'la-south-2',
  'af-south-1',
  'tr-west-1',
  'cn-north-9',
  'cn-south-4',
]);

/** Whether an account may call STS in a region: true when its endpoint is known. */
export type StsRegionCheck = (region: string) => boolean;

/**
 * A region's STS endpoint is known when an override names it (`HUAWEICLOUD_STS_ENDPOINT` for
 * every region, `HUAWEICLOUD_STS_ENDPOINTS` for this one) or the SDKs' table lists it. Anything
 * else is refused when the accounts document is read, rather than guessed at run time.
 */
export const stsRegionCheck =
  (overrides: EndpointOverrides = {}): StsRegionCheck =>
  (region) =>
    overrides.all !== undefined ||
    (overrides.byRegion !== undefined && Object.hasOwn(overrides.byRegion, region)) ||
    STS_REGIONS.has(region);
