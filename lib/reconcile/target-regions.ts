import { lookup } from 'node:dns/promises';
import { ProvisionerError } from '../errors.ts';
import { defaultVpnEndpoint } from '../huawei/endpoints.ts';
import type { VpnTarget } from '../huawei/vpn-client.ts';

/**
 * The regions the official Go SDK lists for the VPN v5 service
 * (huaweicloud-sdk-go-v3, `services/vpn/v5/region/region.go`). Not every region Huawei runs VPN
 * in is listed there (Huawei Cloud Europe's `eu-west-101` is not), so a region outside it is
 * not refused on that alone: its VPN host must resolve.
 */
const SDK_VPN_REGIONS = [
  'cn-north-4',
  'cn-north-1',
  'cn-north-9',
  'cn-east-2',
  'cn-east-3',
  'cn-south-1',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'sa-brazil-1',
  'la-south-2',
  'la-north-2',
];

/** A target whose region has no Huawei VPN endpoint: refused before any call. */
class UnknownRegionError extends ProvisionerError {
  override name = 'UnknownRegionError';
}

/** Letters two strings differ by (Levenshtein), for "did you mean". */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
};

/**
 * Refuses, before any Huawei call, a target whose region cannot be right: not one the SDK lists
 * and its default VPN host does not resolve (`cn-nort-4`). Skipped for a region whose endpoint
 * is overridden (`--huawei-endpoint`, `HUAWEICLOUD_VPN_ENDPOINT(S)`: a simulator, a proxy).
 * `resolve` is the DNS lookup; tests pass their own.
 */
export const checkTargetRegions = async (
  targets: readonly VpnTarget[],
  vpnEndpoint: (region: string) => string,
  resolve: (host: string) => Promise<unknown> = (host) => lookup(host),
): Promise<void> => {
  for (const region of new Set(targets.map((target) => target.region))) {
    const endpoint = defaultVpnEndpoint(region);
    if (SDK_VPN_REGIONS.includes(region) || vpnEndpoint(region) !== endpoint) continue;
    const host = new URL(endpoint).hostname;
    const resolved = await resolve(host).then(
      () => true,
      () => false,
    );
    if (resolved) continue;
    const [near] = [...SDK_VPN_REGIONS].sort((a, b) => distance(region, a) - distance(region, b));
    const hint = near !== undefined && distance(region, near) <= 2 ? `did you mean ${near}? ` : '';
    throw new UnknownRegionError(
      `Unknown Huawei region "${region}" in the targets: ${host} does not resolve; ${hint}(regions look like ${SDK_VPN_REGIONS.slice(0, 4).join(', ')}; --huawei-endpoint names another endpoint)`,
    );
  }
};
