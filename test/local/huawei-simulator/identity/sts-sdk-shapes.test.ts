import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createHuaweiIdentityClient } from '../../../../lib/accounts/huawei-identity.ts';
import { AWS_CLAIMS_NAMESPACE } from '../../../../local/aws/sts.ts';
import {
  type AccountsScenario,
  startAccountsScenario,
} from '../../../../local/aws/sts-accounts.ts';
import {
  type HuaweiSimulator,
  startHuaweiSimulator,
} from '../../../../local/huawei-simulator/index.ts';
import { ClientBuilder, GlobalCredentials, webIdentityToken as tokenFrom } from './official-sdk.ts';

/**
 * `@huaweicloud/huaweicloud-sdk-sts` is not on the package mirror, so its requests are replayed
 * through the official core it is built on (`HcClient`, which signs and parses as it does), as
 * its `StsClient` builds them (`services/sts/v1/StsClient.ts`, `ParamCreater`): POST, JSON body,
 * and signed even for `assume-with-oidc`.
 */
const stsRequest = (url: string, data: Record<string, unknown>) => ({
  method: 'POST',
  url,
  contentType: 'application/json',
  queryParams: {},
  pathParams: {},
  headers: { 'Content-Type': 'application/json' },
  data,
});

/** The SDK models, field for field: `CredentialsDto`, `AssumedAgencyDto`, and the responses. */
const credentialsDto = z.strictObject({
  access_key_id: z.string(),
  expiration: z.iso.datetime(),
  secret_access_key: z.string(),
  security_token: z.string(),
});
const assumedAgencyDto = z.strictObject({ urn: z.string(), id: z.string() });
/** `AssumeAgencyResponse`, and the status the core adds to every answer. */
const assumeAgencyResponse = z.strictObject({
  source_identity: z.optional(z.string()),
  assumed_agency: assumedAgencyDto,
  credentials: credentialsDto,
  httpStatusCode: z.literal(200),
});
/** `AssumeAgencyWithOIDCResponse` (`assumed_agency`: `AssumedAgencyWithFederationDto`, `{urn, id}`). */
const assumeAgencyWithOidcResponse = z.strictObject({
  ...assumeAgencyResponse.shape,
  audience: z.string(),
  provider: z.string(),
  subject_from_id_token: z.string(),
});

let scenario: AccountsScenario;
let sim: HuaweiSimulator;
let official: HcClient;

const account = (name: string) => {
  const found = scenario.accounts.find((a) => a.name === name);
  if (found === undefined) throw new Error(`no account ${name}`);
  return found;
};

const webIdentityToken = (): Promise<string> =>
  tokenFrom(scenario.sts.endpoint, 'huawei-vpn-monitor');

beforeAll(async () => {
  scenario = await startAccountsScenario();
  sim = await startHuaweiSimulator({ credentials: [], identity: scenario.identity });
  const central = new GlobalCredentials()
    .withAk(scenario.centralKey.ak)
    .withSk(scenario.centralKey.sk)
    .withDomainId(account('payments').domainId);
  official = new ClientBuilder<HcClient>((client) => client)
    .withCredential(central)
    .withEndpoint(sim.endpoint)
    .build();
});
afterAll(async () => {
  await sim?.stop();
  await scenario?.stop();
});

describe("Huawei STS v5 in the simulator, held to the official SDK's models", () => {
  it('answers assume as AssumeAgencyResponse reads it: credentials, and assumed_agency as {urn, id}', async () => {
    // Prepare
    const retail = account('retail');
    const agencyUrn = `iam::${retail.domainId}:agency:vpn-monitor`;

    // Act
    const answer = await official.sendRequest(
      stsRequest('/v5/agencies/assume', {
        agency_urn: agencyUrn,
        agency_session_name: 'sdk-session',
        duration_seconds: 900,
      }),
    );
    const parsed = assumeAgencyResponse.parse(answer);

    // Assess
    expect(parsed.assumed_agency.urn).toBe(
      `sts::${retail.domainId}:assumed-agency:vpn-monitor/sdk-session`,
    );
    expect(parsed.assumed_agency.id).toMatch(/^[0-9a-f]{32}:sdk-session$/);
    expect(sim.identity.stats().issued.assume).toBe(1);
  });

  it('answers assume-with-oidc as AssumeAgencyWithOIDCResponse reads it, naming the audience, the provider and the role ARN it trusted', async () => {
    // Prepare: a token in AWS's claim layout
    const logistics = account('logistics');
    const providerUrn = `iam::${logistics.domainId}:oidcProvider:aws-lambda`;
    const idToken = await webIdentityToken();
    const claims = decodeJwt(idToken);

    // Act
    const answer = await official.sendRequest(
      stsRequest('/v5/agencies/assume-with-oidc', {
        provider_urn: providerUrn,
        agency_urn: `iam::${logistics.domainId}:agency:vpn-monitor-oidc`,
        agency_session_name: 'sdk-session',
        id_token: idToken,
        duration_seconds: 900,
      }),
    );
    const parsed = assumeAgencyWithOidcResponse.parse(answer);

    // Assess: the trust was decided on `sub`, the role ARN, with AWS's claims nested
    expect(claims.iss).toMatch(/^https:\/\/[0-9a-f-]+\.tokens\.sts\.global\.api\.aws$/);
    expect(claims.sub).toBe(scenario.roleArn);
    expect(claims.aws_account).toBeUndefined();
    expect(claims[AWS_CLAIMS_NAMESPACE]).toMatchObject({ aws_account: '000000000000' });
    expect(parsed).toMatchObject({
      audience: 'huawei-vpn-monitor',
      provider: providerUrn,
      subject_from_id_token: scenario.roleArn,
    });
    expect(parsed.assumed_agency.urn).toBe(
      `sts::${logistics.domainId}:assumed-agency:vpn-monitor-oidc/sdk-session`,
    );
  });

  it("is still parsed by this project's own identity client, both calls", async () => {
    // Prepare
    const retail = account('retail');
    const logistics = account('logistics');
    const client = createHuaweiIdentityClient({
      endpoints: { sts: () => sim.endpoint, iam: () => sim.endpoint },
      attemptTimeoutMs: 5_000,
    });

    // Act
    const assumed = await client.assumeAgency('retail', retail.region, scenario.centralKey, {
      agencyUrn: `iam::${retail.domainId}:agency:vpn-monitor`,
      sessionName: 'own-client',
      durationSeconds: 900,
    });
    const exchanged = await client.assumeAgencyWithOidc('logistics', logistics.region, {
      providerUrn: `iam::${logistics.domainId}:oidcProvider:aws-lambda`,
      agencyUrn: `iam::${logistics.domainId}:agency:vpn-monitor-oidc`,
      sessionName: 'own-client',
      idToken: await webIdentityToken(),
      durationSeconds: 900,
    });
    client.close();

    // Assess: temporary credentials the simulator issued, valid for the 900 s asked
    const issued = sim.identity.issuedCredentials();
    for (const credentials of [assumed, exchanged]) {
      const match = issued.find((i) => i.ak === credentials.ak);
      expect(match?.securityToken).toBe(credentials.securityToken);
      expect(credentials.expiresAt).toBe(match?.expiresAt);
    }
  });
});
