import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuaweiApiError } from '../../../lib/errors.ts';
import { escaped, runs } from '../huawei/echoed-secrets.ts';
import { queryCloudEye } from './cloud-eye-query.ts';

// A Cloud Eye endpoint (or a gateway in front of it) that echoes the caller's key and token in
// a refusal, written with JSON escapes, and the SK in a header: the health check's client must
// redact its answers as the VPN client does, raw and decoded, headers included.

const CREDENTIALS = {
  ak: 'HPUAEXAMPLEACCESSKEY',
  sk: 'k3Y9wQe7Lr2Vb8Nx5Tz1Pm4Hs6Jd0Fg3Cu7Ai9Ob',
  securityToken: 'gQpTokenTokenPart-ZX81-lmN0-qwertyuiop-ASDFGHJKL-zxcvbnm-0987654321',
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(403, {
      'content-type': 'application/json',
      'x-request-id': `req-${CREDENTIALS.sk}`,
    });
    response.end(
      `{"error_code":"CES.0015","error_msg":"sk ${escaped(CREDENTIALS.sk)} token ${escaped(
        CREDENTIALS.securityToken,
      )} ak ${escaped(CREDENTIALS.ak)}"}`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('Cloud Eye answers', () => {
  it('redact a refusal echoing the key and token with JSON escapes, headers included', async () => {
    // Act
    const failure = await queryCloudEye(base, CREDENTIALS);
    // Assess: the refusal is read (Huawei's code kept), with nothing of a secret in it
    expect(failure).toBeInstanceOf(HuaweiApiError);
    const error = failure as HuaweiApiError;
    expect(error).toMatchObject({ status: 403, code: 'CES.0015', requestId: 'req-[redacted]' });
    expect(error.huaweiMessage).toBe('sk [redacted] token [redacted] ak [redacted]');
    const seen = `${error.message} ${JSON.stringify(error)} ${String(error.huaweiMessage)}`;
    for (const secret of [CREDENTIALS.sk, CREDENTIALS.securityToken, CREDENTIALS.ak]) {
      for (const run of runs(secret)) expect(seen).not.toContain(run);
    }
  });
});
