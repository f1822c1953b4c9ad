import { describe, expect, it } from 'vitest';
import { loadConfig, loadReconcileConfig } from '../../../lib/config/index.ts';
import { ConfigurationError } from '../../../lib/errors.ts';
import { defaultVpnEndpoint } from '../../../lib/huawei/endpoints.ts';

const BASE_ENV = {
  HUAWEICLOUD_SDK_AK: 'AK',
  HUAWEICLOUD_SDK_SK: 'SK',
  IDEMPOTENCY_TABLE_NAME: 'table',
  DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/dlq',
};

describe('VPN endpoints per region', () => {
  it.each([
    ['cn-north-4', 'https://vpn.cn-north-4.myhuaweicloud.com'],
    ['ap-southeast-1', 'https://vpn.ap-southeast-1.myhuaweicloud.com'],
    ['af-south-1', 'https://vpn.af-south-1.myhuaweicloud.com'],
    ['eu-west-101', 'https://vpn.eu-west-101.myhuaweicloud.eu'],
    ['eu-west-0', 'https://vpn.eu-west-0.myhuaweicloud.com'],
  ])('%s → %s', (region, endpoint) => {
    expect(defaultVpnEndpoint(region)).toBe(endpoint);
  });

  it('takes a per-region override before the all-regions one, and the table for the rest', () => {
    // Act
    const config = loadConfig({
      ...BASE_ENV,
      HUAWEICLOUD_VPN_ENDPOINT: 'https://vpn-proxy.example.com/',
      HUAWEICLOUD_VPN_ENDPOINTS:
        ' eu-west-101=https://vpn.eu-west-101.myhuaweicloud.com , cn-north-4=http://127.0.0.1:9000',
    });
    // Assess
    expect(config.vpnEndpoint('eu-west-101')).toBe('https://vpn.eu-west-101.myhuaweicloud.com');
    expect(config.vpnEndpoint('cn-north-4')).toBe('http://127.0.0.1:9000');
    expect(config.vpnEndpoint('ap-southeast-1')).toBe('https://vpn-proxy.example.com');
  });

  it('uses the table when nothing overrides it, in reconcile runs too', () => {
    const config = loadReconcileConfig({ HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK' });
    expect(config.vpnEndpoint('eu-west-101')).toBe('https://vpn.eu-west-101.myhuaweicloud.eu');
    expect(config.vpnEndpoint('cn-north-4')).toBe('https://vpn.cn-north-4.myhuaweicloud.com');
  });

  it.each([
    ['eu-west-101=http://vpn.example.com', 'HUAWEICLOUD_VPN_ENDPOINTS'],
    ['eu-west-101', 'HUAWEICLOUD_VPN_ENDPOINTS'],
    ['not a region=https://vpn.example.com', 'HUAWEICLOUD_VPN_ENDPOINTS'],
    ['eu-west-101=not-a-url', 'HUAWEICLOUD_VPN_ENDPOINTS'],
  ])('refuses %s, naming the variable', (value, variable) => {
    expect(() => loadConfig({ ...BASE_ENV, HUAWEICLOUD_VPN_ENDPOINTS: value })).toThrow(
      ConfigurationError,
    );
    expect(() => loadConfig({ ...BASE_ENV, HUAWEICLOUD_VPN_ENDPOINTS: value })).toThrow(variable);
  });

  it('refuses a FIFO source queue, saying why', () => {
    expect(() =>
      loadConfig({
        ...BASE_ENV,
        SOURCE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/source.fifo',
      }),
    ).toThrow(/SOURCE_QUEUE_URL is a FIFO queue/);
  });

  it('reads the waiting budget, with its defaults', () => {
    expect(loadConfig(BASE_ENV)).toMatchObject({
      notReadyDelaySeconds: 30,
      notReadyMaxWaitSeconds: 3600,
      notFoundGraceSeconds: 300,
    });
    expect(
      loadConfig({ ...BASE_ENV, NOT_READY_MAX_WAIT_SECONDS: '60', NOT_FOUND_GRACE_SECONDS: '0' }),
    ).toMatchObject({ notReadyMaxWaitSeconds: 60, notFoundGraceSeconds: 0 });
  });
});
