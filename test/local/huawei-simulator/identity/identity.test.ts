import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHuaweiIdentityClient } from '../../../../lib/accounts/huawei-identity.ts';
import { createCredentialsProvider } from '../../../../lib/huawei/credentials.ts';
import { HuaweiVpnClient } from '../../../../lib/huawei/vpn-client.ts';
import {
  type AccountsScenario,
  startAccountsScenario,
} from '../../../../local/aws/sts-accounts.ts';
import {
  type HuaweiSimulator,
  startHuaweiSimulator,
} from '../../../../local/huawei-simulator/index.ts';
import { GlobalCredentials, iam, webIdentityToken as tokenFrom } from './official-sdk.ts';

/** The error a call that must be refused ends with. */
type Refusal = Error & { status?: number; code?: string; huaweiMessage?: string };
const refusal = async (call: Promise<unknown>): Promise<Refusal> => {
  try {
    await call;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected the call to be refused');
};

let scenario: AccountsScenario;
let sim: HuaweiSimulator;
let clock = Date.now();
const [payments, retail, logistics] = (await startAccountsScenario().then((s) => {
  scenario = s;
  return s.accounts;
})) as [
  AccountsScenario['accounts'][number],
  AccountsScenario['accounts'][number],
  AccountsScenario['accounts'][number],
];

const officialIam = (credentials: {
  ak: string;
  sk: string;
  securityToken?: string | undefined;
}) => {
  const global = new GlobalCredentials().withAk(credentials.ak).withSk(credentials.sk);
  if (credentials.securityToken) global.withSecurityToken(credentials.securityToken);
  return iam.IamClient.newBuilder()
    .withCredential(global.withDomainId(payments.domainId))
    .withEndpoint(sim.endpoint)
    .build();
};

const identity = () =>
  createHuaweiIdentityClient({
    endpoints: { sts: () => sim.endpoint, iam: () => sim.endpoint },
    attemptTimeoutMs: 5_000,
    now: () => new Date(clock),
  });

const vpnWith = (credentials: { ak: string; sk: string; securityToken?: string | undefined }) =>
  new HuaweiVpnClient({
    endpoint: () => sim.endpoint,
    credentials: createCredentialsProvider(
      { kind: 'environment', securityToken: undefined, ...credentials },
      () => Promise.resolve(undefined),
    ),
    attemptTimeoutMs: 5_000,
    now: () => new Date(clock),
  });

const webIdentityToken = (audience: string): Promise<string> =>
  tokenFrom(scenario.sts.endpoint, audience);

beforeAll(async () => {
  sim = await startHuaweiSimulator({
    credentials: [],
    identity: scenario.identity,
    projects: { [retail.projectId]: ['cae286f2-demo-a8df-va86-e22416ca1220'] },
    now: () => clock,
  });
});
afterAll(async () => {
  await sim.stop();
  await scenario.stop();
});
beforeEach(() => {
  clock = Date.now();
  sim.reset();
});

describe('Huawei IAM in the simulator, held to the official SDK', () => {
  it('answers securitytokens (assume_role) and auth/projects as @huaweicloud/huaweicloud-sdk-iam sends and parses them', async () => {
    // Prepare: the central key (payments) asks for the retail agency's credentials
    const client = officialIam(scenario.centralKey);
    const body = new iam.CreateTemporaryAccessKeyByAgencyRequestBody().withAuth(
      new iam.AgencyAuth().withIdentity(
        new iam.AgencyAuthIdentity()
          .withMethods(['assume_role'])
          .withAssumeRole(
            new iam.IdentityAssumerole()
              .withAgencyName('vpn-monitor')
              .withDomainId(retail.domainId)
              .withDurationSeconds(900),
          ),
      ),
    );

    // Act
    const issued = await client.createTemporaryAccessKeyByAgency(
      new iam.CreateTemporaryAccessKeyByAgencyRequest().withBody(body),
    );
    // The SDK hands back the JSON as parsed: snake_case fields, as Huawei sends them.
    const credential = issued.credential as
      | { access?: string; secret?: string; securitytoken?: string; expires_at?: string }
      | undefined;
    const projects = await officialIam({
      ak: credential?.access ?? '',
      sk: credential?.secret ?? '',
      securityToken: credential?.securitytoken ?? '',
    }).keystoneListAuthProjects(new iam.KeystoneListAuthProjectsRequest());

    // Assess: temporary credentials with their expiry, and the retail account's projects only
    expect(credential?.access).toMatch(/^TMP/);
    expect(Date.parse(credential?.expires_at ?? '')).toBe(clock + 900_000);
    const listed = (projects.projects ?? []) as unknown as {
      id?: string;
      name?: string;
      domain_id?: string;
    }[];
    expect(listed.map((p) => [p.id, p.name, p.domain_id])).toEqual([
      [retail.projectId, retail.region, retail.domainId],
    ]);
  });

  it('refuses an agency that does not trust the caller, in a way the SDK reports', async () => {
    // Prepare: payments asks for an agency of logistics, which trusts no account
    const client = officialIam(scenario.centralKey);
    const request = new iam.CreateTemporaryAccessKeyByAgencyRequest().withBody(
      new iam.CreateTemporaryAccessKeyByAgencyRequestBody().withAuth(
        new iam.AgencyAuth().withIdentity(
          new iam.AgencyAuthIdentity()
            .withMethods(['assume_role'])
            .withAssumeRole(
              new iam.IdentityAssumerole()
                .withAgencyName('vpn-monitor-oidc')
                .withDomainId(logistics.domainId),
            ),
        ),
      ),
    );

    // Act
    const refused = await client.createTemporaryAccessKeyByAgency(request).then(
      () => undefined,
      (error: unknown) => error as { httpStatusCode?: number; errorMsg?: string },
    );

    // Assess
    expect(refused?.httpStatusCode).toBe(403);
    expect(refused?.errorMsg).toMatch(/does not trust the caller's account/);
  });
});

describe('Huawei STS v5 in the simulator', () => {
  it('issues credentials the VPN API accepts in the agency account, refuses elsewhere, and refuses once expired', async () => {
    // Prepare
    const sts = identity();
    const temporary = await sts.assumeAgency('retail', retail.region, scenario.centralKey, {
      agencyUrn: `iam::${retail.domainId}:agency:vpn-monitor`,
      sessionName: 'test-session',
      durationSeconds: 900,
    });
    const vpn = vpnWith(temporary);

    // Act
    const own = await vpn.listMonitors(
      { projectId: retail.projectId, region: retail.region },
      undefined,
    );
    const other = await refusal(
      vpn.listMonitors({ projectId: payments.projectId, region: payments.region }, undefined),
    );
    clock += 901_000;
    const expired = await refusal(
      vpn.listMonitors({ projectId: retail.projectId, region: retail.region }, undefined),
    );

    // Assess
    expect(temporary.expiresAt).toBe(clock - 1_000);
    expect(own.monitors).toEqual([]);
    expect(other).toMatchObject({ status: 403, code: 'APIGW.0310' });
    expect(expired).toMatchObject({ status: 401 });
    expect(expired.huaweiMessage).toMatch(/security token .* has expired/);
    expect(sim.identity.stats().issued.assume).toBe(1);
    await vpn.close();
    sts.close();
  });

  it('refuses to assume an agency of an account that does not trust the caller', async () => {
    // Prepare
    const sts = identity();

    // Act
    const refused = await refusal(
      sts.assumeAgency('logistics', logistics.region, scenario.centralKey, {
        agencyUrn: `iam::${logistics.domainId}:agency:vpn-monitor-oidc`,
        sessionName: 'test-session',
        durationSeconds: 900,
      }),
    );

    // Assess: the error names the account and says what to check, never the key
    expect(refused.status).toBe(403);
    expect(refused.message).toMatch(/^Account logistics: Huawei STS assume of agency/);
    expect(refused.message).toMatch(/check the agency, its trust policy/);
    expect(refused.message).not.toContain(scenario.centralKey.ak);
    sts.close();
  });

  it('exchanges a web identity token for credentials at assume-with-oidc, unsigned', async () => {
    // Prepare
    const sts = identity();
    const idToken = await webIdentityToken('huawei-vpn-monitor');

    // Act
    const temporary = await sts.assumeAgencyWithOidc('logistics', logistics.region, {
      providerUrn: `iam::${logistics.domainId}:oidcProvider:aws-lambda`,
      agencyUrn: `iam::${logistics.domainId}:agency:vpn-monitor-oidc`,
      sessionName: 'test-session',
      idToken,
      durationSeconds: 900,
    });
    const listed = await vpnWith(temporary).listMonitors(
      { projectId: logistics.projectId, region: logistics.region },
      undefined,
    );

    // Assess
    expect(listed.monitors).toEqual([]);
    expect(sim.identity.stats().issued['assume-with-oidc']).toBe(1);
    sts.close();
  });

  it.each([
    [
      'a token for another audience',
      async () => webIdentityToken('some-other-audience'),
      401,
      /The id_token is refused: the token audience \(aud\) is not a client id of the provider/,
    ],
    [
      'a token whose signature does not verify',
      async () => {
        const [header, payload] = (await webIdentityToken('huawei-vpn-monitor')).split('.');
        return `${header}.${payload}.${'A'.repeat(342)}`;
      },
      401,
      /signature does not verify/,
    ],
  ])('refuses %s with a clear reason', async (_label, token, status, reason) => {
    // Prepare
    const sts = identity();
    const idToken = await token();

    // Act
    const refused = await refusal(
      sts.assumeAgencyWithOidc('logistics', logistics.region, {
        providerUrn: `iam::${logistics.domainId}:oidcProvider:aws-lambda`,
        agencyUrn: `iam::${logistics.domainId}:agency:vpn-monitor-oidc`,
        sessionName: 'test-session',
        idToken,
        durationSeconds: 900,
      }),
    );

    // Assess: the reason is Huawei's, and the token itself is never in it
    expect(refused.status).toBe(status);
    expect(refused.message).toMatch(reason);
    expect(refused.message).not.toContain(idToken.slice(0, 40));
    expect(sim.identity.stats().refused['assume-with-oidc']).toBe(1);
    sts.close();
  });
});
