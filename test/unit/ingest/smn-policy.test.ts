import { describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../../../lib/config/index.ts';
import { refusalOf } from '../../../lib/ingest/smn.ts';

const production = { regions: ['cn-north-4', 'ap-southeast-1'], endpointOverride: undefined };

describe('which SMN confirmation URLs may be fetched', () => {
  it.each([
    'https://smn.cn-north-4.myhuaweicloud.com/smn/subscription/confirm?token=abc',
    'https://smn.ap-southeast-1.myhuaweicloud.com/v2/confirm',
    'https://SMN.cn-north-4.myhuaweicloud.com:443/smn/subscription/confirm',
  ])('allows %s', (url) => {
    expect(refusalOf(url, production)).toBeUndefined();
  });

  it.each([
    ['plain http', 'http://smn.cn-north-4.myhuaweicloud.com/confirm'],
    ['a region not configured', 'https://smn.eu-west-101.myhuaweicloud.com/confirm'],
    ['a look-alike suffix', 'https://smn.cn-north-4.myhuaweicloud.com.example.com/confirm'],
    ['a look-alike prefix', 'https://evil-smn.cn-north-4.myhuaweicloud.com/confirm'],
    ['another port', 'https://smn.cn-north-4.myhuaweicloud.com:8443/confirm'],
    ['credentials', 'https://a:b@smn.cn-north-4.myhuaweicloud.com/confirm'],
    ['an IP address', 'https://100.125.0.1/smn/subscription/confirm'],
    ['the metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['loopback', 'http://127.0.0.1:9000/confirm'],
    ['no URL', 'smn.cn-north-4.myhuaweicloud.com/confirm'],
  ])('refuses %s', (_name, url) => {
    expect(refusalOf(url, production)).toBeDefined();
  });

  it('refuses everything when no region is configured', () => {
    expect(
      refusalOf('https://smn.cn-north-4.myhuaweicloud.com/confirm', {
        regions: [],
        endpointOverride: undefined,
      }),
    ).toContain('SMN_CONFIRM_REGIONS');
  });

  it('with an override, allows only the override origin', () => {
    const local = { regions: ['cn-north-4'], endpointOverride: 'http://127.0.0.1:9000' };
    expect(refusalOf('http://127.0.0.1:9000/confirm', local)).toBeUndefined();
    expect(refusalOf('https://smn.cn-north-4.myhuaweicloud.com/confirm', local)).toBeDefined();
    expect(refusalOf('http://127.0.0.1:9001/confirm', local)).toBeDefined();
  });

  it('accepts an http override on loopback hosts only', () => {
    const env = {
      SOURCE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
      INGEST_TOKEN_SECRET_ID: 'ingest-token',
    };
    expect(
      loadIngestConfig({ ...env, HUAWEICLOUD_SMN_ENDPOINT: 'http://127.0.0.1:9000' })
        .smnEndpointOverride,
    ).toBe('http://127.0.0.1:9000');
    expect(() =>
      loadIngestConfig({ ...env, HUAWEICLOUD_SMN_ENDPOINT: 'http://smn.example.com' }),
    ).toThrow(/HUAWEICLOUD_SMN_ENDPOINT must be https/);
  });

  it('confirms in the default region unless SMN_CONFIRM_REGIONS says otherwise', () => {
    const env = {
      SOURCE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
      INGEST_TOKEN_SECRET_ID: 'ingest-token',
      HUAWEICLOUD_REGION: 'cn-north-4',
    };
    expect(loadIngestConfig(env).smnRegions).toEqual(['cn-north-4']);
    expect(
      loadIngestConfig({ ...env, SMN_CONFIRM_REGIONS: 'ap-southeast-1, cn-east-3' }).smnRegions,
    ).toEqual(['ap-southeast-1', 'cn-east-3']);
    expect(() => loadIngestConfig({ ...env, SMN_CONFIRM_REGIONS: 'evil.com/x' })).toThrow(
      /SMN_CONFIRM_REGIONS/,
    );
  });
});
