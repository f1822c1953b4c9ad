import { describe, expect, it } from 'vitest';
import { parseAccountsDocument } from '../../../lib/accounts/document.ts';
import { STS_REGIONS, stsRegionCheck } from '../../../lib/accounts/sts-regions.ts';
import { loadReconcileConfig } from '../../../lib/config.ts';
import { ConfigurationError } from '../../../lib/errors.ts';

const CENTRAL = 'd1a0000000000000000000000000000a';
const TARGET = 'd2b0000000000000000000000000000b';
const P1 = 'a1000000000000000000000000000001';
const P2 = 'b2000000000000000000000000000002';

const staticCentral = {
  name: 'payments',
  domain_id: CENTRAL,
  credentials: { source: 'static', secret_id: 'huawei/payments' },
  projects: [`${P1}:cn-north-4`],
};
const oidcCentral = {
  name: 'keyless',
  domain_id: CENTRAL,
  credentials: { source: 'oidc', audience: 'a', provider_name: 'aws', agency_name: 'vpn' },
  projects: [`${P1}:cn-north-4`],
};
const agency = (credentials: Record<string, unknown>, region = 'ap-southeast-1') => ({
  name: 'retail',
  domain_id: TARGET,
  credentials: { source: 'agency', agency_name: 'vpn-monitor', ...credentials },
  projects: [`${P2}:${region}`],
});
const oidc = (region: string) => ({
  name: 'logistics',
  domain_id: TARGET,
  credentials: { source: 'oidc', audience: 'a', provider_name: 'aws', agency_name: 'vpn', region },
  projects: 'discover',
});

const refusal = (accounts: unknown[], check = stsRegionCheck()): string => {
  try {
    parseAccountsDocument({ accounts }, 'secret accounts', undefined, check);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
};

const accepted = (accounts: unknown[], check = stsRegionCheck()) =>
  parseAccountsDocument({ accounts }, 'secret accounts', undefined, check).accounts.map(
    (a) => a.name,
  );

describe('the accounts document, held to what Huawei STS allows', () => {
  it.each([
    ['an oidc account', [oidc('eu-west-101')], 'accounts.0.credentials.region', 'logistics'],
    [
      'an STS agency account',
      [staticCentral, agency({ via: 'payments' }, 'eu-west-101')],
      'accounts.1.credentials.region',
      'retail',
    ],
  ])(
    'refuses %s in a region with no known STS endpoint, naming the region, the account and the override',
    (_label, accounts, field, name) => {
      // Act
      const message = refusal(accounts);

      // Assess
      expect(message).toMatch(/^Invalid accounts document \(secret accounts\): /);
      expect(message).toContain(`${field} eu-west-101 (account ${name}) has no known Huawei STS`);
      expect(message).toContain('HUAWEICLOUD_STS_ENDPOINTS');
      expect(message).toContain('HUAWEICLOUD_STS_ENDPOINT ');
    },
  );

  it('accepts such a region once an override names its endpoint, for that region or for all', () => {
    // Act / Assess
    expect(
      accepted([oidc('eu-west-101')], stsRegionCheck({ byRegion: { 'eu-west-101': 'https://x' } })),
    ).toEqual(['logistics']);
    expect(accepted([oidc('eu-west-101')], stsRegionCheck({ all: 'https://x' }))).toEqual([
      'logistics',
    ]);
    // another region's override does not cover it
    expect(
      refusal([oidc('eu-west-101')], stsRegionCheck({ byRegion: { 'cn-north-4': 'https://x' } })),
    ).toContain('eu-west-101');
  });

  it('accepts every region of the SDKs’ STS table, and never asks STS of a static or IAM-agency account', () => {
    // Act / Assess
    for (const region of STS_REGIONS) expect(accepted([oidc(region)])).toEqual(['logistics']);
    expect(
      accepted([
        { ...staticCentral, projects: [`${P1}:eu-west-101`] },
        agency({ via: 'payments', api: 'iam' }, 'eu-west-101'),
      ]),
    ).toEqual(['payments', 'retail']);
  });

  it('takes the overrides from the environment, and refuses an inline document at cold start', () => {
    // Prepare
    const env = {
      HUAWEICLOUD_REGION: 'cn-north-4',
      ACCOUNTS_DOCUMENT: JSON.stringify({ accounts: [oidc('eu-west-101')] }),
    };

    // Act / Assess
    expect(() => loadReconcileConfig(env)).toThrow(
      /accounts\.0\.credentials\.region eu-west-101 \(account logistics\) has no known Huawei STS endpoint/,
    );
    const config = loadReconcileConfig({
      ...env,
      HUAWEICLOUD_STS_ENDPOINTS: 'eu-west-101=https://sts.eu-west-101.example.com',
    });
    expect(config.identityEndpoints.stsKnown?.('eu-west-101')).toBe(true);
    expect(config.identityEndpoints.stsKnown?.('ap-southeast-5')).toBe(false);
  });

  it('refuses an agency session over an hour when its central account is keyless (temporary credentials)', () => {
    // Act
    const message = refusal([oidcCentral, agency({ via: 'keyless', duration_seconds: 7_200 })]);

    // Assess
    expect(message).toContain(
      'accounts.1.credentials.duration_seconds 7200 (account retail) is over 3600',
    );
    expect(message).toContain("keyless's temporary credentials");
  });

  it('allows an hour through a keyless account, and longer through a static key or IAM', () => {
    // Act / Assess
    expect(accepted([oidcCentral, agency({ via: 'keyless', duration_seconds: 3_600 })])).toEqual([
      'keyless',
      'retail',
    ]);
    expect(
      accepted([staticCentral, agency({ via: 'payments', duration_seconds: 43_200 })]),
    ).toEqual(['payments', 'retail']);
    expect(
      accepted([oidcCentral, agency({ via: 'keyless', api: 'iam', duration_seconds: 7_200 })]),
    ).toEqual(['keyless', 'retail']);
  });

  it.each([
    [899, false],
    [900, true],
    [43_200, true],
    [43_201, false],
  ])('an oidc session of %i seconds is accepted: %s', (seconds, ok) => {
    // Prepare
    const account = oidc('cn-north-4');
    const accounts = [
      { ...account, credentials: { ...account.credentials, duration_seconds: seconds } },
    ];

    // Act / Assess
    if (ok) expect(accepted(accounts)).toEqual(['logistics']);
    else expect(refusal(accounts)).toContain('accounts.0.credentials.duration_seconds');
  });
});
