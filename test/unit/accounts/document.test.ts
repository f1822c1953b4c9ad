import { describe, expect, it } from 'vitest';
import { parseAccountsDocument } from '../../../lib/accounts/document.ts';
import { loadAccountsDocument } from '../../../lib/accounts/document-source.ts';
import { stsRegionCheck } from '../../../lib/accounts/sts-regions.ts';
import { ConfigurationError } from '../../../lib/errors.ts';

const A = 'd1a0000000000000000000000000000a';
const B = 'd2b0000000000000000000000000000b';
const P1 = 'a1000000000000000000000000000001';
const P2 = 'b2000000000000000000000000000002';

const staticAccount = {
  name: 'payments',
  domain_id: A,
  credentials: { source: 'static', secret_id: 'huawei/payments' },
  projects: [`${P1}:cn-north-4`],
};

const problemsOf = (json: unknown): string => {
  try {
    parseAccountsDocument(json, 'secret accounts', undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
};

describe('the accounts document', () => {
  it('builds agency and OIDC URNs from names in the account, and takes the STS region from its projects', () => {
    // Act
    const document = parseAccountsDocument(
      {
        accounts: [
          staticAccount,
          {
            name: 'retail',
            domain_id: B,
            credentials: { source: 'agency', via: 'payments', agency_name: 'vpn-monitor' },
            projects: [`${P2}:ap-southeast-1`],
          },
          {
            name: 'logistics',
            domain_id: 'd3c0000000000000000000000000000c',
            credentials: {
              source: 'oidc',
              audience: 'huawei-vpn-monitor',
              provider_name: 'aws',
              agency_name: 'vpn-oidc',
              region: 'eu-west-101',
            },
            projects: 'discover',
          },
        ],
      },
      'inline',
      undefined,
      // No SDK lists an STS endpoint in eu-west-101: the deployment names one.
      stsRegionCheck({ byRegion: { 'eu-west-101': 'https://sts.eu-west-101.example.com' } }),
    );

    // Assess
    expect(document.accounts.map((a) => a.source)).toEqual([
      { kind: 'static', secretId: 'huawei/payments' },
      {
        kind: 'agency',
        via: { account: 'payments' },
        api: 'sts',
        agencyName: 'vpn-monitor',
        agencyUrn: `iam::${B}:agency:vpn-monitor`,
        durationSeconds: 3600,
        region: 'ap-southeast-1',
      },
      {
        kind: 'oidc',
        audience: 'huawei-vpn-monitor',
        providerUrn: 'iam::d3c0000000000000000000000000000c:oidcProvider:aws',
        agencyUrn: 'iam::d3c0000000000000000000000000000c:agency:vpn-oidc',
        durationSeconds: 3600,
        tokenDurationSeconds: 300,
        region: 'eu-west-101',
      },
    ]);
    expect(document.accounts[2]?.projects).toBe('discover');
  });

  it.each([
    [
      'a project that is not "<project_id>:<region>"',
      { accounts: [{ ...staticAccount, projects: ['not-a-project'] }] },
      /accounts\.0\.projects\.0 must be "<project_id>:<region>"/,
    ],
    [
      'an unknown credential source',
      { accounts: [{ ...staticAccount, credentials: { source: 'password' } }] },
      /accounts\.0\.credentials/,
    ],
    [
      'two accounts with the same name',
      {
        accounts: [
          staticAccount,
          { ...staticAccount, domain_id: B, projects: [`${P2}:cn-north-4`] },
        ],
      },
      /accounts\.1\.name payments is used twice/,
    ],
    [
      'one project in two accounts',
      { accounts: [staticAccount, { ...staticAccount, name: 'other', domain_id: B }] },
      new RegExp(`project ${P1} belongs to payments too`),
    ],
    [
      'an agency through an account that does not exist',
      {
        accounts: [
          {
            ...staticAccount,
            credentials: { source: 'agency', via: 'nobody', agency_name: 'vpn-monitor' },
          },
        ],
      },
      /accounts\.0\.credentials\.via names no account: nobody/,
    ],
    [
      'an agency with neither name nor URN',
      {
        accounts: [
          { ...staticAccount, credentials: { source: 'agency', via: { secret_id: 's' } } },
        ],
      },
      /accounts\.0\.credentials needs agency_name or agency_urn/,
    ],
    [
      'an OIDC account that discovers its projects with no region to call STS in',
      {
        accounts: [
          {
            ...staticAccount,
            credentials: {
              source: 'oidc',
              audience: 'a',
              provider_name: 'aws',
              agency_name: 'vpn',
            },
            projects: 'discover',
          },
        ],
      },
      /accounts\.0\.credentials\.region is required/,
    ],
    [
      'a session longer than STS allows',
      {
        accounts: [
          {
            ...staticAccount,
            credentials: {
              source: 'oidc',
              audience: 'a',
              provider_name: 'aws',
              agency_name: 'vpn',
              duration_seconds: 86_400,
            },
          },
        ],
      },
      /accounts\.0\.credentials\.duration_seconds/,
    ],
  ])('refuses %s, naming the document and the field', (_label, json, reason) => {
    // Act
    const message = problemsOf(json);

    // Assess
    expect(message).toMatch(/^Invalid accounts document \(secret accounts\): /);
    expect(message).toMatch(reason);
  });

  it('turns the single key of old into one account that serves every project', async () => {
    // Act
    const document = await loadAccountsDocument(
      {
        kind: 'single-key',
        credentials: { kind: 'environment', ak: 'AK', sk: 'SK', securityToken: undefined },
      },
      {
        readSecret: () => Promise.reject(new Error('unused')),
        readParameter: () => Promise.reject(new Error('unused')),
      },
      'cn-north-4',
    );

    // Assess
    expect(document.accounts).toHaveLength(1);
    expect(document.accounts[0]).toMatchObject({ name: 'default', projects: 'any' });
  });

  it('says the document is not JSON without printing it', async () => {
    // Act
    const refused = await loadAccountsDocument(
      { kind: 'parameter', name: '/vpn/accounts' },
      {
        readSecret: () => Promise.reject(new Error('unused')),
        readParameter: () => Promise.resolve('{"accounts": [ secret-looking text'),
      },
      undefined,
    ).then(
      () => new Error('the document was accepted'),
      (error: unknown) => error as Error,
    );

    // Assess
    expect(refused.message).toMatch(
      /^Invalid accounts document \(SSM parameter \/vpn\/accounts\): it is not JSON/,
    );
    expect(refused.message).not.toContain('secret-looking');
  });
});
