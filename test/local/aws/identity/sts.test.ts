import { GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSts, startLocalSts } from '../../../../local/aws/sts.ts';

const ROLE_ARN = 'arn:aws:iam::000000000000:role/createMonitor';
let sts: LocalSts;
let client: STSClient;

beforeAll(async () => {
  sts = await startLocalSts({
    roleArn: ROLE_ARN,
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
  it('signs an RS256 token that verifies against its own discovery document and JWKS', async () => {
    // Act
    const out = await client.send(
      new GetWebIdentityTokenCommand({
        Audience: ['huawei-vpn-monitor'],
        SigningAlgorithm: 'RS256',
        DurationSeconds: 300,
      }),
    );
    const discovery = (await (
      await fetch(`${sts.issuer}/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    const { payload, protectedHeader } = await jwtVerify(
      out.WebIdentityToken ?? '',
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      { issuer: sts.issuer, audience: 'huawei-vpn-monitor' },
    );

    // Assess
    expect(discovery.issuer).toBe(sts.issuer);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(ROLE_ARN);
    expect(payload.aws_account).toBe('000000000000');
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
