import { describe, expect, it } from 'vitest';
import { loadConfig, loadReconcileConfig, loadReplayConfig } from '../../lib/config.ts';
import { ConfigurationError } from '../../lib/errors.ts';

/** The smallest environment createMonitor starts with: a table, a DLQ, keys. */
const VALID = {
  IDEMPOTENCY_TABLE_NAME: 'vpn-monitor-idempotency',
  DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created-dlq',
  HUAWEICLOUD_SDK_AK: 'config-test-ak',
  HUAWEICLOUD_SDK_SK: 'config-test-sk',
};

/** The error `load` throws for `env`, or a failure naming what was expected. */
const errorOf = (load: () => unknown): ConfigurationError => {
  try {
    load();
  } catch (error: unknown) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError, the configuration loaded');
};

describe('loadConfig', () => {
  it('starts with the smallest environment, with the documented defaults', () => {
    // Act
    const config = loadConfig(VALID);

    // Assess
    expect(config).toMatchObject({
      credentials: { kind: 'environment', ak: 'config-test-ak', sk: 'config-test-sk' },
      eventBusName: 'default',
      eventSource: 'vpn-monitor-provisioner',
      maxReceiveCount: 5,
      huaweiMaxAttempts: 5,
    });
    expect(config.vpnEndpoint('cn-north-4')).toBe('https://vpn.cn-north-4.myhuaweicloud.com');
  });

  it.each([
    'https://vpn.example.com/',
    'http://localhost:9000',
    'http://127.0.0.1:9000/',
    'http://[::1]:9000',
  ])('takes the VPN endpoint %s, without its trailing slash', (endpoint) => {
    // Act
    const config = loadConfig({ ...VALID, HUAWEICLOUD_VPN_ENDPOINT: endpoint });

    // Assess
    expect(config.vpnEndpoint('cn-north-4')).toBe(endpoint.replace(/\/$/, ''));
  });

  it.each([
    'http://vpn.cn-north-4.myhuaweicloud.com',
    'http://10.0.0.1:9000',
    'http://localhost.example.com',
    'ftp://localhost/',
  ])('refuses plain http:// off this machine: %s', (endpoint) => {
    // Act
    const error = errorOf(() => loadConfig({ ...VALID, HUAWEICLOUD_VPN_ENDPOINT: endpoint }));

    // Assess
    expect(error.message).toBe(
      'Invalid configuration: HUAWEICLOUD_VPN_ENDPOINT must be https://, or http:// on a loopback host (localhost, 127.0.0.1, [::1])',
    );
  });

  it('refuses a VPN endpoint that is not a URL, naming the variable', () => {
    // Act
    const error = errorOf(() => loadConfig({ ...VALID, HUAWEICLOUD_VPN_ENDPOINT: 'vpn.local' }));

    // Assess
    expect(error.message).toMatch(/^Invalid configuration: HUAWEICLOUD_VPN_ENDPOINT /);
    expect(error.message).not.toContain('loopback');
  });

  it.each([
    ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK'],
    ['HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_AK'],
  ])('refuses %s without %s, naming the missing one', (given, missing) => {
    // Prepare
    const { HUAWEICLOUD_SDK_AK: _ak, HUAWEICLOUD_SDK_SK: _sk, ...rest } = VALID;

    // Act
    const error = errorOf(() => loadConfig({ ...rest, [given]: 'only-one-key' }));

    // Assess
    expect(error.message).toBe(
      `Invalid configuration: ${missing} HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together`,
    );
    expect(error.message).not.toContain('only-one-key');
  });

  it('asks for an accounts document, a secret or both keys when there are no credentials', () => {
    // Prepare
    const { HUAWEICLOUD_SDK_AK: _ak, HUAWEICLOUD_SDK_SK: _sk, ...rest } = VALID;

    // Act
    const error = errorOf(() => loadConfig({ ...rest, HUAWEICLOUD_SDK_AK: '  ' }));

    // Assess: a blank variable counts as unset
    expect(error.message).toBe(
      'Invalid configuration: environment has no Huawei credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (an access key), HUAWEICLOUD_CREDENTIALS_SECRET_ID (a Secrets Manager secret holding one), or ACCOUNTS_DOCUMENT_PARAMETER or ACCOUNTS_DOCUMENT_SECRET_ID (an accounts document)',
    );
  });

  it('reads the keys from a secret when only the secret is named', () => {
    // Prepare
    const { HUAWEICLOUD_SDK_AK: _ak, HUAWEICLOUD_SDK_SK: _sk, ...rest } = VALID;

    // Act
    const config = loadConfig({ ...rest, HUAWEICLOUD_CREDENTIALS_SECRET_ID: 'huawei/vpn' });

    // Assess
    expect(config.credentials).toEqual({ kind: 'secrets-manager', secretId: 'huawei/vpn' });
  });

  it('names every bad variable in one message, so one deploy fixes them all', () => {
    // Act
    const error = errorOf(() =>
      loadConfig({
        HUAWEICLOUD_SDK_AK: 'config-test-ak',
        HUAWEICLOUD_SDK_SK: 'config-test-sk',
        DLQ_URL: 'not a url',
        MAX_RECEIVE_COUNT: '0',
        HUAWEI_MAX_ATTEMPTS: 'five',
        HUAWEICLOUD_REGION: 'North China',
        HUAWEICLOUD_PROJECT_ID: 'ABC',
      }),
    );

    // Assess
    for (const variable of [
      'IDEMPOTENCY_TABLE_NAME',
      'DLQ_URL',
      'MAX_RECEIVE_COUNT',
      'HUAWEI_MAX_ATTEMPTS',
      'HUAWEICLOUD_REGION',
      'HUAWEICLOUD_PROJECT_ID',
    ]) {
      expect(error.message).toContain(`${variable} `);
    }
    expect(error.message.split('; ')).toHaveLength(6);
  });
});

describe('loadReplayConfig', () => {
  it('needs no variable, and names one that is set but not a URL', () => {
    // Act
    const empty = loadReplayConfig({});
    const error = errorOf(() => loadReplayConfig({ SOURCE_QUEUE_URL: 'queue' }));

    // Assess
    expect(empty).toEqual({ deadLetterQueueUrl: undefined, sourceQueueUrl: undefined });
    expect(error.message).toBe(
      'Invalid configuration: SOURCE_QUEUE_URL must be the URL of the queue that replayed messages go to',
    );
  });
});

describe('loadReconcileConfig', () => {
  it('names a bad RECONCILE_DELETE_ORPHANS and a bad target together', () => {
    // Act
    const error = errorOf(() =>
      loadReconcileConfig({
        ...VALID,
        RECONCILE_DELETE_ORPHANS: 'yes',
        RECONCILE_TARGETS: 'cn-north-4',
      }),
    );

    // Assess
    expect(error.message).toContain('RECONCILE_DELETE_ORPHANS must be true or false');
    expect(error.message).toContain('RECONCILE_TARGETS.0 must be project_id:region');
  });

  it("puts the command's flags over the environment, with the same rules", () => {
    // Act
    const error = errorOf(() =>
      loadReconcileConfig(VALID, { HUAWEICLOUD_VPN_ENDPOINT: 'http://vpn.example.com' }),
    );

    // Assess
    expect(error.message).toContain('HUAWEICLOUD_VPN_ENDPOINT must be https://');
  });
});
