import { describe, expect, it } from 'vitest';
import { CredentialGate, CredentialGuard } from '../../../lib/accounts/credential-guard.ts';
import type { AccountSpec } from '../../../lib/accounts/document.ts';
import type { AccountAccess } from '../../../lib/accounts/registry.ts';
import { createAccountProviders } from '../../../lib/accounts/registry.ts';
import {
  HuaweiApiError,
  HuaweiCallsStoppedError,
  PermissionRefusedError,
} from '../../../lib/errors.ts';
import type { HuaweiIdentityClient } from '../../../lib/huawei/huawei-identity.ts';

const refused = () =>
  new HuaweiApiError('create', {
    status: 401,
    code: 'APIGW.0301',
    huaweiMessage: 'bad signature',
    requestId: 'r',
  });

describe('CredentialGate', () => {
  it('lets only one call reach Huawei until the credentials are proven, then fans out', async () => {
    // Prepare
    const gate = new CredentialGate(() => undefined);
    let inFlight = 0;
    let maxInFlight = 0;
    const inFlightAtStart: number[] = [];
    const call = async () => {
      inFlight++;
      inFlightAtStart.push(inFlight);
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return 'ok';
    };
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => gate.run(call)));
    // Assess: the first call ran alone, the other nine together afterwards
    expect(results).toEqual(Array(10).fill('ok'));
    expect(inFlightAtStart[0]).toBe(1);
    expect(maxInFlight).toBe(9);
  });

  it('makes exactly one call with refused credentials, then stops every other call', async () => {
    // Prepare
    let refreshes = 0;
    const gate = new CredentialGate(() => refreshes++);
    let calls = 0;
    const call = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw refused();
    };
    // Act
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => gate.run(call).catch((e: unknown) => e)),
    );
    // Assess
    expect(calls).toBe(1);
    expect(refreshes).toBe(1);
    expect(errors.filter((e) => e instanceof HuaweiApiError)).toHaveLength(1);
    expect(errors.filter((e) => e instanceof HuaweiCallsStoppedError)).toHaveLength(9);
    expect(gate.stopped).toBe(true);
  });

  it('passes the probe on when a call fails for another reason than credentials', async () => {
    // Prepare
    const gate = new CredentialGate(() => undefined);
    let calls = 0;
    const call = async () => {
      calls++;
      if (calls === 1)
        throw new HuaweiApiError('create', {
          status: 503,
          code: undefined,
          huaweiMessage: undefined,
          requestId: undefined,
        });
      return 'ok';
    };
    // Act
    const results = await Promise.all([
      gate.run(call).catch(() => 'failed'),
      gate.run(call),
      gate.run(call),
    ]);
    // Assess
    expect(results).toEqual(['failed', 'ok', 'ok']);
    expect(calls).toBe(3);
  });

  it('does not stop calls, nor refresh credentials, on a 403: the key works', async () => {
    // Prepare: a missing permission, not a refused key (behaviour changed: it used to stop calls)
    let refreshes = 0;
    const gate = new CredentialGate(() => refreshes++);
    const forbidden = async () => {
      throw new HuaweiApiError('create', {
        status: 403,
        code: 'VPN.0003',
        huaweiMessage: 'Access denied',
        requestId: 'r',
      });
    };
    // Act
    await gate.run(forbidden).catch(() => undefined);
    const next = await gate.run(async () => 'ok');
    // Assess
    expect(next).toBe('ok');
    expect(gate.stopped).toBe(false);
    expect(refreshes).toBe(0);
  });

  it('stops one project after its permission refusal, and lets the others call', async () => {
    // Prepare
    const gate = new CredentialGate(() => undefined);
    const a = { projectId: 'a'.repeat(32), region: 'cn-north-4' };
    const b = { projectId: 'b'.repeat(32), region: 'cn-north-4' };
    const refusal = new HuaweiApiError('create', {
      status: 403,
      code: 'VPN.0003',
      huaweiMessage: 'Access denied',
      requestId: 'r',
    });
    gate.stopProject(new PermissionRefusedError(a, 'vpn:connectionMonitors:create', refusal));
    let calls = 0;
    const call = async () => {
      calls++;
      return 'ok';
    };
    // Act
    const inA = await gate.run(call, a).catch((e: unknown) => e);
    const inB = await gate.run(call, b);
    // Assess
    expect(inA).toBeInstanceOf(PermissionRefusedError);
    expect((inA as PermissionRefusedError).message).toContain(a.projectId);
    expect(inB).toBe('ok');
    expect(calls).toBe(1);
  });
});

/** An account whose key is in the environment, built by the production providers. */
const environmentAccount = (name: string, ak: string): AccountAccess => {
  const spec: AccountSpec = {
    name,
    domainId: undefined,
    source: { kind: 'environment', ak, sk: `${ak}-sk`, securityToken: undefined },
    projects: 'any',
  };
  const credentials = createAccountProviders([spec], {
    readSecret: () => Promise.reject(new Error('no secret here')),
    identity: {} as HuaweiIdentityClient,
    webIdentity: () => Promise.reject(new Error('no web identity here')),
  }).get(name);
  if (credentials === undefined) throw new Error(`no provider for ${name}`);
  return { spec, credentials };
};

describe('CredentialGuard', () => {
  it('hands out one gate per account in an invocation, and new gates in the next', () => {
    // Prepare
    const guard = new CredentialGuard();
    const retail = environmentAccount('retail', 'AKRETAIL');
    const bank = environmentAccount('bank', 'AKBANK');
    // Act
    const gateOf = guard.invocation({ deadline: Date.now() + 5_000 });
    const next = guard.invocation({ deadline: Date.now() + 5_000 });
    // Assess
    expect(gateOf(retail)).toBe(gateOf(retail));
    expect(gateOf(bank)).not.toBe(gateOf(retail));
    expect(next(retail)).not.toBe(gateOf(retail));
  });

  it("stops a refused account's calls only, and tells which account was refused", async () => {
    // Prepare
    const guard = new CredentialGuard();
    const retail = environmentAccount('retail', 'AKRETAIL');
    const bank = environmentAccount('bank', 'AKBANK');
    const told: string[] = [];
    const gateOf = guard.invocation({ deadline: Date.now() + 5_000 }, (account) =>
      told.push(account.spec.name),
    );
    await gateOf(retail)
      .run(() => Promise.reject(refused()))
      .catch(() => undefined);
    // Act
    const again = gateOf(retail).run(() => Promise.resolve('called'));
    const other = gateOf(bank).run(() => Promise.resolve('called'));
    // Assess
    await expect(again).rejects.toBeInstanceOf(HuaweiCallsStoppedError);
    await expect(other).resolves.toBe('called');
    expect(told).toEqual(['retail']);
    expect(gateOf(retail).stopped).toBe(true);
    expect(gateOf(bank).stopped).toBe(false);
  });
});
