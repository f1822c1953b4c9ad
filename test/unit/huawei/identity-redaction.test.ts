import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityCaller } from '../../../lib/huawei/huawei-identity.ts';
import { AccountCredentialsError } from '../../../lib/huawei/responses.ts';
import { escaped, runs } from './echoed-secrets.ts';

// An identity endpoint (STS/IAM, or a gateway in front of it) that echoes what it was sent:
// the signer's key and token and the web identity token, each written with JSON escapes, at a
// refusal's status. The identity caller redacts its answers as the VPN client does, raw and
// decoded, headers included.

const SIGNER = {
  ak: 'HPUAEXAMPLEACCESSKEY',
  sk: 'k3Y9wQe7Lr2Vb8Nx5Tz1Pm4Hs6Jd0Fg3Cu7Ai9Ob',
  securityToken: 'gQpTokenTokenPart-ZX81-lmN0-qwertyuiop-ASDFGHJKL-zxcvbnm-0987654321',
};
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsYW1iZGEifQ.c2lnbmF0dXJl';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(401, {
      'content-type': 'application/json',
      'x-request-id': `req-${SIGNER.sk}`,
    });
    response.end(
      `{"error_code":"APIGW.0301","error_msg":"sk ${escaped(SIGNER.sk)} token ${escaped(
        SIGNER.securityToken,
      )} ak ${escaped(SIGNER.ak)} id ${escaped(ID_TOKEN)}"}`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('identity answers', () => {
  it('redact a refusal echoing the key, token and id token with JSON escapes', async () => {
    // Prepare
    const caller = createIdentityCaller({ attemptTimeoutMs: 5_000 });
    // Act
    const failure = await caller
      .call('acct-1', 'STS assume', {
        base,
        method: 'POST',
        path: '/v5/agencies/assume',
        body: { id_token: ID_TOKEN },
        signer: SIGNER,
        secrets: [ID_TOKEN],
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    caller.close();
    // Assess: the refusal is read (Huawei's code kept), with nothing of a secret in it
    expect(failure).toBeInstanceOf(AccountCredentialsError);
    const error = failure as AccountCredentialsError;
    expect(error).toMatchObject({ status: 401, code: 'APIGW.0301', requestId: 'req-[redacted]' });
    expect(error.huaweiMessage).toBe('sk [redacted] token [redacted] ak [redacted] id [redacted]');
    const seen = `${error.message} ${JSON.stringify(error)} ${String(error.huaweiMessage)}`;
    for (const secret of [SIGNER.sk, SIGNER.securityToken, SIGNER.ak]) {
      for (const run of runs(secret)) expect(seen).not.toContain(run);
    }
    expect(seen).not.toContain(ID_TOKEN);
  });
});

describe('identity failures below HTTP', () => {
  it('name the identity call that failed, not the VPN API', async () => {
    // Prepare: a port nothing listens on (the echo server's, closed)
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const caller = createIdentityCaller({ attemptTimeoutMs: 5_000 });
    // Act
    const failure = await caller
      .call('acct-1', 'IAM auth/projects', {
        base: `http://127.0.0.1:${port}`,
        method: 'GET',
        path: '/v3/auth/projects',
        signer: SIGNER,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    caller.close();
    // Assess
    expect((failure as Error).message).toMatch(
      /^Huawei IAM auth\/projects for account acct-1 failed on the network \(ECONNREFUSED\)/,
    );
  });
});
