import { describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../../../lib/config.ts';
import { fetchedUrl, refusalOf } from '../../../lib/ingest/smn.ts';

const production = { regions: ['cn-north-4', 'ap-southeast-1'], endpointOverride: undefined };

describe('which SMN confirmation URLs may be fetched', () => {
  it.each([
    'https://smn.cn-north-4.myhuaweicloud.com/smn/subscription/confirm?token=abc',
    'https://SMN.cn-north-4.myhuaweicloud.com:443/smn/subscription/confirm',
    'https://cn-north-4-console.huaweicloud.com/smn/subscription/confirm?token=abc&topic_urn=x',
    'https://ap-southeast-1-console-intl.huaweicloud.com/smn/subscription/confirm?token=abc',
    'https://console.huaweicloud.com/smn/subscription/confirm?token=abc',
    'https://console-intl.huaweicloud.com/smn/subscription/confirm?token=abc',
    'https://console.eu.huaweicloud.com/smn/subscription/confirm?token=abc',
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
    ['another path', 'https://smn.ap-southeast-1.myhuaweicloud.com/v2/confirm'],
    ['another path on the console', 'https://console.huaweicloud.com/smn/subscription/other'],
    [
      'a console look-alike',
      'https://cn-north-4-console.huaweicloud.com.evil.example/smn/subscription/confirm',
    ],
    [
      'a console name as user',
      'https://console.huaweicloud.com@evil.example/smn/subscription/confirm',
    ],
    [
      'a region console not configured',
      'https://eu-west-101-console.huaweicloud.com/smn/subscription/confirm',
    ],
    ['the console over http', 'http://console.huaweicloud.com/smn/subscription/confirm'],
    ['the console on another port', 'https://console.huaweicloud.com:444/smn/subscription/confirm'],
  ])('refuses %s', (_name, url) => {
    expect(refusalOf(url, production)).toBeDefined();
  });

  it('refuses everything when no region is configured', () => {
    expect(
      refusalOf('https://smn.cn-north-4.myhuaweicloud.com/smn/subscription/confirm', {
        regions: [],
        endpointOverride: undefined,
      }),
    ).toContain('SMN_CONFIRM_REGIONS');
  });

  // Issue 19: the override now changes only where an allowed URL is fetched (the SMN stand-in
  // answers for Huawei's hosts), so Huawei's hosts pass with it as without it.
  it('with an override, allows what production allows, and fetches it on the override', () => {
    const local = { regions: ['cn-north-4'], endpointOverride: 'http://127.0.0.1:9000' };
    const real = 'https://cn-north-4-console.huaweicloud.com/smn/subscription/confirm?token=abc';
    expect(refusalOf(real, local)).toBeUndefined();
    expect(fetchedUrl(real, local)).toBe(
      'http://127.0.0.1:9000/smn/subscription/confirm?token=abc',
    );
    expect(refusalOf('http://127.0.0.1:9000/smn/subscription/confirm', local)).toBeUndefined();
    expect(refusalOf('http://127.0.0.1:9001/smn/subscription/confirm', local)).toBeDefined();
    expect(refusalOf('https://evil.example/smn/subscription/confirm', local)).toBeDefined();
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

describe('the ingest configuration (issue 19)', () => {
  const env = {
    SOURCE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
    INGEST_TOKEN_SECRET_ID: 'ingest-token',
    HUAWEICLOUD_REGION: 'cn-north-4',
  };

  it.each([
    ['a user and password', 'https://user:pw@sqs.eu-west-1.amazonaws.com/123456789012/q'],
    ['plain http off loopback', 'http://sqs.eu-west-1.amazonaws.com/123456789012/q'],
    ['no URL', 'sqs/q'],
  ])('refuses a SOURCE_QUEUE_URL with %s, naming the variable', (_name, url) => {
    expect(() => loadIngestConfig({ ...env, SOURCE_QUEUE_URL: url })).toThrow(/SOURCE_QUEUE_URL/);
  });

  it('accepts http on loopback for SOURCE_QUEUE_URL, as local runs use', () => {
    const url = 'http://127.0.0.1:9324/000000000000/q';
    expect(loadIngestConfig({ ...env, SOURCE_QUEUE_URL: url }).sourceQueueUrl).toBe(url);
  });

  it('reads SMN_TOPIC_URNS as a list of topic URNs, and refuses anything else', () => {
    expect(loadIngestConfig(env).smnTopicUrns).toBeUndefined();
    expect(
      loadIngestConfig({
        ...env,
        SMN_TOPIC_URNS: 'urn:smn:cn-north-4:abc:t1, urn:smn:cn-east-3:abc:t2',
      }).smnTopicUrns,
    ).toEqual(['urn:smn:cn-north-4:abc:t1', 'urn:smn:cn-east-3:abc:t2']);
    expect(() => loadIngestConfig({ ...env, SMN_TOPIC_URNS: 'vpn-events' })).toThrow(
      /SMN_TOPIC_URNS/,
    );
  });
});
