import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, SECRET_RUN_LENGTH } from '../../../lib/huawei/responses.ts';

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
