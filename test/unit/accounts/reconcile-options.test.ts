import { describe, expect, it } from 'vitest';
import { loadReconcileConfig } from '../../../lib/config/index.ts';
import { ReconcileOptionsError, resolveReconcileRun } from '../../../lib/reconcile/options.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpn-connection-created';

describe('reconcile options with an accounts document', () => {
  it('covers every project of every account by default, and --account narrows it', () => {
    // Prepare: a default project too, which only the single-key setup falls back to
    const config = loadReconcileConfig({
      ACCOUNTS_DOCUMENT_PARAMETER: '/vpn-monitor/accounts',
      HUAWEICLOUD_REGION: 'cn-north-4',
      HUAWEICLOUD_PROJECT_ID: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
      SOURCE_QUEUE_URL: QUEUE,
    });

    // Act
    const all = resolveReconcileRun({}, config);
    const one = resolveReconcileRun({ account: 'logistics', dryRun: true }, config);

    // Assess
    expect(all).toMatchObject({ targets: [], account: undefined, queueUrl: QUEUE });
    expect(one).toMatchObject({ account: 'logistics', dryRun: true });
  });

  it('still needs a target with a single key and no default project', () => {
    // Prepare
    const config = loadReconcileConfig({ HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK' });

    // Act / Assess
    expect(() => resolveReconcileRun({ dryRun: true }, config)).toThrow(ReconcileOptionsError);
  });

  it('refuses two accounts document sources at once, naming both', () => {
    // Act / Assess
    expect(() =>
      loadReconcileConfig({
        ACCOUNTS_DOCUMENT: '{}',
        ACCOUNTS_DOCUMENT_PARAMETER: '/vpn-monitor/accounts',
      }),
    ).toThrow(
      /set one of ACCOUNTS_DOCUMENT, .* not ACCOUNTS_DOCUMENT and ACCOUNTS_DOCUMENT_PARAMETER/,
    );
  });
});

describe('an inline accounts document', () => {
  it('is checked at cold start, with the same errors as the other sources', () => {
    // Act / Assess
    expect(() =>
      loadReconcileConfig({ ACCOUNTS_DOCUMENT: JSON.stringify({ accounts: [] }) }),
    ).toThrow(
      /^Invalid accounts document \(ACCOUNTS_DOCUMENT\): accounts must list at least one account/,
    );
  });
});
