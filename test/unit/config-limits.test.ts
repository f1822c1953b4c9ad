import { describe, expect, it } from 'vitest';
import { loadConfig, loadReconcileConfig } from '../../lib/config/index.ts';
import { ConfigurationError } from '../../lib/errors.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created';
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created-dlq';
const VALID = {
  HUAWEICLOUD_REGION: 'cn-north-4',
  HUAWEICLOUD_CREDENTIALS_SECRET_ID: 'huawei/vpn-monitor',
  IDEMPOTENCY_TABLE_NAME: 'idempotency',
  DLQ_URL: DLQ,
  SOURCE_QUEUE_URL: QUEUE,
  FUNCTION_TIMEOUT_SECONDS: '30',
};

/** The message of the error `loadConfig` throws for the environment, or `undefined`. */
const problem = (env: Record<string, string>): string | undefined => {
  try {
    loadConfig({ ...VALID, ...env });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
};

describe('loadConfig', () => {
  it('accepts the deployed environment', () => {
    expect(problem({})).toBeUndefined();
    expect(loadConfig(VALID).recordConcurrency).toBe(10);
  });

  it.each([
    [
      'an attempt timeout longer than the function timeout',
      { HUAWEI_ATTEMPT_TIMEOUT_MS: '45000' },
      /HUAWEI_ATTEMPT_TIMEOUT_MS must be at most 27000 \(FUNCTION_TIMEOUT_SECONDS=30/,
    ],
    ['1e3 records at once', { RECORD_CONCURRENCY: '1e3' }, /RECORD_CONCURRENCY must be at most 50/],
    [
      'the DLQ as the source queue',
      { SOURCE_QUEUE_URL: DLQ },
      /SOURCE_QUEUE_URL must not be DLQ_URL/,
    ],
    [
      'a password in the VPN endpoint',
      { HUAWEICLOUD_VPN_ENDPOINT: 'https://admin:hunter2@vpn.cn-north-4.myhuaweicloud.com' },
      /HUAWEICLOUD_VPN_ENDPOINT must not carry a user name or password/,
    ],
    [
      'a password in the DLQ URL',
      { DLQ_URL: 'https://admin:hunter2@sqs.eu-west-1.amazonaws.com/1/dlq' },
      /DLQ_URL must not carry a user name or password/,
    ],
  ])('rejects %s, naming the variable', (_, env, message) => {
    const text = problem(env);
    expect(text).toMatch(message);
    expect(text).not.toContain('hunter2');
  });

  it('checks the attempt timeout of a reconcile run against its own timeout', () => {
    const env = {
      HUAWEICLOUD_CREDENTIALS_SECRET_ID: 'huawei/vpn-monitor',
      FUNCTION_TIMEOUT_SECONDS: '5',
      HUAWEI_ATTEMPT_TIMEOUT_MS: '2500',
    };
    expect(() => loadReconcileConfig(env)).toThrow(
      /HUAWEI_ATTEMPT_TIMEOUT_MS must be at most 2000/,
    );
    expect(loadReconcileConfig({ ...env, HUAWEI_ATTEMPT_TIMEOUT_MS: '2000' }).targets).toEqual([]);
  });
});
