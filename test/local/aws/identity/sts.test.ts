import { GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLAIMS_NAMESPACE, type LocalSts, startLocalSts } from '../../../../local/aws/sts.ts';

const ROLE_ARN = 'arn:aws:iam::000000000000:role/createMonitor';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:createMonitor';
let sts: LocalSts;
let client: STSClient;

beforeAll(async () => {
  sts = await startLocalSts({
    roleArn: ROLE_ARN,
    functionArn: FUNCTION_ARN,
    orgId: 'o-abc1234567',
    allowedAudiences: ['huawei-vpn-monitor'],
    maxDurationSeconds: 900,
  });
  // The SDK's own override variable, as the function reaches the stand-in.
  process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
  client = new STSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  delete process.env.AWS_ENDPOINT_URL_STS;
  await sts.stop();
});

describe('AWS STS GetWebIdentityToken stand-in', () => {
  it("signs an RS256 token in AWS's claim layout that verifies against its discovery document and JWKS", async () => {
    // Act
    const out = await client.send(
      new GetWebIdentityTokenCommand({
        Audience: ['huawei-vpn-monitor'],
        SigningAlgorithm: 'RS256',
        DurationSeconds: 300,
      }),
    );
    const discovery = (await (
      await fetch(`${sts.endpoint}/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    const { payload, protectedHeader } = await jwtVerify(
      out.WebIdentityToken ?? '',
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      { issuer: sts.issuer, audience: 'huawei-vpn-monitor' },
    );

    // Assess
    expect(discovery.issuer).toBe(sts.issuer);
    expect(protectedHeader.alg).toBe('RS256');
    // AWS's layout: iss of AWS's shape, sub the role ARN, AWS's own claims nested
    expect(sts.issuer).toMatch(/^https:\/\/[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$/);
    expect(payload.sub).toBe(ROLE_ARN);
    expect(payload[AWS_CLAIMS_NAMESPACE]).toEqual({
      aws_account: '000000000000',
      source_region: 'eu-west-1',
      org_id: 'o-abc1234567',
      lambda_source_function_arn: FUNCTION_ARN,
    });
    expect(Object.keys(payload).sort()).toEqual(
      [AWS_CLAIMS_NAMESPACE, 'aud', 'exp', 'iat', 'iss', 'jti', 'sub'].sort(),
    );
    expect(JSON.parse(sts.jwks())).toEqual(await (await fetch(discovery.jwks_uri)).json());
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(out.Expiration?.getTime()).toBe((payload.exp ?? 0) * 1000);
    expect(sts.issued()).toBe(1);
  });

  it.each([
    [
      'an audience the role may not ask for',
      'another-audience',
      300,
      /sts:IdentityTokenAudience another-audience/,
    ],
    [
      'a longer duration than the role allows',
      'huawei-vpn-monitor',
      3_600,
      /sts:DurationSeconds 3600/,
    ],
  ])('refuses %s with AccessDenied', async (_label, audience, duration, reason) => {
    // Act
    const refused = await client
      .send(
        new GetWebIdentityTokenCommand({
          Audience: [audience],
          SigningAlgorithm: 'RS256',
          DurationSeconds: duration,
        }),
      )
      .then(
        () => new Error('not refused'),
        (error: unknown) => error as Error,
      );

    // Assess
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toMatch(reason);
  });
});
