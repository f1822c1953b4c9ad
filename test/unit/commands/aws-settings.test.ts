import { describe, expect, it } from 'vitest';
import { commandRegion, explainAwsError } from '../../../commands/aws-settings.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq';

describe('commandRegion', () => {
  it.each([
    ['--region first', 'us-east-1', { AWS_REGION: 'eu-central-1' }, [QUEUE], 'us-east-1'],
    ['then AWS_REGION', undefined, { AWS_REGION: 'eu-central-1' }, [QUEUE], 'eu-central-1'],
    [
      'then AWS_DEFAULT_REGION',
      undefined,
      { AWS_DEFAULT_REGION: 'ap-south-1' },
      [QUEUE],
      'ap-south-1',
    ],
    ['then the queue URL', undefined, {}, [undefined, QUEUE], 'eu-west-1'],
    [
      'a China queue URL',
      undefined,
      {},
      ['https://sqs.cn-north-1.amazonaws.com.cn/1/q'],
      'cn-north-1',
    ],
    [
      'a legacy queue URL',
      undefined,
      {},
      ['https://us-west-2.queue.amazonaws.com/1/q'],
      'us-west-2',
    ],
    [
      'else the profile decides',
      undefined,
      {},
      ['http://127.0.0.1:4566/000000000000/q'],
      undefined,
    ],
  ])('%s', (_case, flag, env, urls, region) => {
    expect(commandRegion(flag, env, urls)).toBe(region);
  });

  it.each(['mars-1', 'eu-west', 'EU-WEST-1'])('refuses --region %s before any call', (region) => {
    expect(() => commandRegion(region, {}, [])).toThrow(
      `Unknown AWS region "${region}" (--region)`,
    );
  });

  it('takes the regions of every partition', () => {
    for (const region of ['us-gov-west-1', 'cn-northwest-1', 'il-central-1', 'ap-southeast-5']) {
      expect(commandRegion(region, {}, [])).toBe(region);
    }
  });
});

describe('explainAwsError', () => {
  it('names the fix for what a person can fix, and leaves the rest', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
    });
    expect(explainAwsError(new Error('Region is missing'))).toMatch(
      /^No AWS region: pass --region/,
    );
    expect(
      explainAwsError(Object.assign(new Error('x'), { name: 'CredentialsProviderError' })),
    ).toMatch(/^No AWS credentials found: set AWS_PROFILE/);
    expect(explainAwsError(new Error('wrapped', { cause: refused }))).toMatch(
      /^Cannot reach 127\.0\.0\.1 \(ECONNREFUSED\)/,
    );
    expect(explainAwsError(new Error('something else'))).toBeUndefined();
  });
});
