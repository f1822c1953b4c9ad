import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  redactAnswerBody,
  redactSecrets,
  SECRET_RUN_LENGTH,
} from '../../../lib/huawei/responses.ts';

const CREDENTIALS = {
  ak: 'HPUAEXAMPLEACCESSKEY',
  sk: 'k3Y9wQe7Lr2Vb8Nx5Tz1Pm4Hs6Jd0Fg3Cu7Ai9Ob',
  securityToken: 'gQpTokenTokenPart-ZX81-lmN0-qwertyuiop-ASDFGHJKL-zxcvbnm-0987654321',
};

describe('redactSecrets', () => {
  it('removes whole secrets and a truncated echo of the security token', () => {
    // Prepare: Huawei echoes the canonical request, cut short in the middle of the token
    const body = `x-security-token:${CREDENTIALS.securityToken.slice(0, 40)}|Access=${CREDENTIALS.ak}, sk ${CREDENTIALS.sk}`;
    // Act
    const redacted = redactSecrets(body, CREDENTIALS);
    // Assess
    expect(redacted).toBe('x-security-token:[redacted]|Access=[redacted], sk [redacted]');
  });

  it('leaves text alone that shares fewer than 16 characters in a row with a secret', () => {
    const body = `prefix ${CREDENTIALS.sk.slice(3, 3 + SECRET_RUN_LENGTH - 1)} suffix`;
    expect(redactSecrets(body, CREDENTIALS)).toBe(body);
  });

  it('never lets any 16-character run of the secret key through, wherever it is cut', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: CREDENTIALS.sk.length - SECRET_RUN_LENGTH }),
        fc.nat({ max: CREDENTIALS.sk.length }),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        (start, extra, before, after) => {
          const run = CREDENTIALS.sk.slice(start, start + SECRET_RUN_LENGTH + extra);
          const redacted = redactSecrets(`${before}${run}${after}`, CREDENTIALS);
          for (let i = 0; i + SECRET_RUN_LENGTH <= CREDENTIALS.sk.length; i++) {
            expect(redacted).not.toContain(CREDENTIALS.sk.slice(i, i + SECRET_RUN_LENGTH));
          }
        },
      ),
    );
  });
});

describe('redactAnswerBody', () => {
  it('redacts a secret written with JSON escapes, once decoded, and keeps the rest readable', () => {
    // Prepare: the token with its solidus escaped and two letters as \u escapes
    const token = `${CREDENTIALS.securityToken}/tail`;
    const echoed = token.replace('/', '\\/').replace('g', '\\u0067').replace('T', '\\u0054');
    const body = `{"error_code":"APIGW.0301","error_msg":"token ${echoed}"}`;
    // Act
    const redacted = redactAnswerBody(body, { ...CREDENTIALS, securityToken: token });
    // Assess
    expect(JSON.parse(redacted)).toEqual({
      error_code: 'APIGW.0301',
      error_msg: 'token [redacted]',
    });
  });

  it('redacts object keys too, and keeps "__proto__" as data', () => {
    const body = `{"${CREDENTIALS.sk.replace('k', '\\u006b')}":1,"__proto__":{"a":"\\u0041"}}`;
    const redacted = JSON.parse(redactAnswerBody(body, CREDENTIALS)) as Record<string, unknown>;
    expect(Object.keys(redacted)).toEqual(['[redacted]', '__proto__']);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
  });

  it('leaves a body without a secret unchanged', () => {
    const body = '{"connection_monitor":{"id":"a\\/b"},"request_id":"r"}';
    expect(JSON.parse(redactAnswerBody(body, CREDENTIALS))).toEqual(JSON.parse(body));
    expect(redactAnswerBody('<html>plain</html>', CREDENTIALS)).toBe('<html>plain</html>');
  });
});
