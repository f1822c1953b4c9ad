import { describe, expect, it } from 'vitest';
import { loadReconcileConfig } from '../../../lib/config/index.ts';

const env = { HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK' };

describe('Huawei STS and IAM endpoints', () => {
  it('follow the region, with the European domain for eu-west-1xx and a global IAM', () => {
    // Act
    const { identityEndpoints } = loadReconcileConfig(env);

    // Assess
    expect(identityEndpoints.sts('cn-north-4')).toBe('https://sts.cn-north-4.myhuaweicloud.com');
    expect(identityEndpoints.sts('eu-west-101')).toBe('https://sts.eu-west-101.myhuaweicloud.eu');
    expect(identityEndpoints.iam(undefined)).toBe('https://iam.myhuaweicloud.com');
    expect(identityEndpoints.iam('ap-southeast-1')).toBe('https://iam.myhuaweicloud.com');
    expect(identityEndpoints.iam('eu-west-101')).toBe('https://iam.eu-west-101.myhuaweicloud.eu');
  });

  it('take a per-region override first, then the single one', () => {
    // Act
    const { identityEndpoints } = loadReconcileConfig({
      ...env,
      HUAWEICLOUD_STS_ENDPOINT: 'https://sts-proxy.example.com/',
      HUAWEICLOUD_STS_ENDPOINTS: 'eu-west-101=https://sts.eu-west-101.myhuaweicloud.com',
      HUAWEICLOUD_IAM_ENDPOINTS: 'cn-north-4=http://127.0.0.1:4000',
    });

    // Assess
    expect(identityEndpoints.sts('eu-west-101')).toBe('https://sts.eu-west-101.myhuaweicloud.com');
    expect(identityEndpoints.sts('cn-north-4')).toBe('https://sts-proxy.example.com');
    expect(identityEndpoints.iam('cn-north-4')).toBe('http://127.0.0.1:4000');
    expect(identityEndpoints.iam(undefined)).toBe('https://iam.myhuaweicloud.com');
  });

  it('refuses a plain http:// endpoint off this machine, naming the variable', () => {
    // Act / Assess
    expect(() =>
      loadReconcileConfig({
        ...env,
        HUAWEICLOUD_STS_ENDPOINTS: 'cn-north-4=http://sts.example.com',
      }),
    ).toThrow(/HUAWEICLOUD_STS_ENDPOINTS/);
  });
});
