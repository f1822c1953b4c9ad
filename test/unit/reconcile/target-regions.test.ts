import { describe, expect, it } from 'vitest';
import { checkTargetRegions } from '../../../commands/reconcile.ts';
import { defaultVpnEndpoint } from '../../../lib/huawei/endpoints.ts';

const PROJECT = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const targets = (...regions: string[]) => regions.map((region) => ({ projectId: PROJECT, region }));

/** A DNS that knows only `known` hosts, and remembers what it was asked. */
const dns = (...known: string[]) => {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    if (!known.includes(host))
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return { address: '192.0.2.1' };
  };
  return { asked, resolve };
};

describe('checkTargetRegions', () => {
  it('takes the regions the SDK lists without asking DNS', async () => {
    const { asked, resolve } = dns();
    await checkTargetRegions(targets('cn-north-4', 'ap-southeast-1'), defaultVpnEndpoint, resolve);
    expect(asked).toEqual([]);
  });

  it('takes a region the SDK does not list when its VPN host resolves (Huawei Cloud Europe)', async () => {
    const { asked, resolve } = dns('vpn.eu-west-101.myhuaweicloud.eu');
    await checkTargetRegions(targets('eu-west-101'), defaultVpnEndpoint, resolve);
    expect(asked).toEqual(['vpn.eu-west-101.myhuaweicloud.eu']);
  });

  it('refuses a mistyped region, naming the near one', async () => {
    const { resolve } = dns();
    await expect(
      checkTargetRegions(targets('cn-nort-4'), defaultVpnEndpoint, resolve),
    ).rejects.toThrow(
      'Unknown Huawei region "cn-nort-4" in the targets: vpn.cn-nort-4.myhuaweicloud.com does not resolve; did you mean cn-north-4?',
    );
  });

  it('leaves a region whose endpoint is overridden alone (a simulator, a proxy)', async () => {
    const { asked, resolve } = dns();
    await checkTargetRegions(targets('xx-test-1'), () => 'http://127.0.0.1:8080', resolve);
    expect(asked).toEqual([]);
  });
});
