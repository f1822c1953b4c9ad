import { describe, expect, it } from 'vitest';
import type { AccountSpec } from '../../../lib/accounts/document.ts';
import { createAccountProviders, SESSION_NAME } from '../../../lib/accounts/registry.ts';
import { credentialsIdentity } from '../../../lib/huawei/credentials.ts';
import type {
  HuaweiIdentityClient,
  TemporaryCredentials,
} from '../../../lib/huawei/huawei-identity.ts';
import { AccountCredentialsError } from '../../../lib/huawei/responses.ts';

const MINUTE = 60_000;
const CENTRAL = { ak: 'CENTRALAK', sk: 'central-sk' };

const accounts: AccountSpec[] = [
  {
    name: 'payments',
    domainId: 'd1a0000000000000000000000000000a',
    source: { kind: 'static', secretId: 'huawei/payments' },
    projects: [{ projectId: 'a1000000000000000000000000000001', region: 'cn-north-4' }],
  },
  {
    name: 'retail',
    domainId: 'd2b0000000000000000000000000000b',
    source: {
      kind: 'agency',
      via: { account: 'payments' },
      api: 'sts',
      agencyName: 'vpn-monitor',
      agencyUrn: 'iam::d2b0000000000000000000000000000b:agency:vpn-monitor',
      durationSeconds: 900,
      region: 'ap-southeast-1',
    },
    projects: 'discover',
  },
];

/** A Huawei STS that issues numbered credentials, or refuses while `refusing` is set. */
const fakeHuawei = (clock: { now: number }) => {
  const calls: { caller: string; agencyUrn: string; sessionName: string }[] = [];
  const state = { refusing: undefined as number | undefined };
  const issue = (n: number): TemporaryCredentials => ({
    ak: `TMPAK${n}`,
    sk: `tmp-sk-${n}`,
    securityToken: `token-${n}`,
    expiresAt: clock.now + 15 * MINUTE,
  });
  const identity = {
    assumeAgency: async (
      account: string,
      _region: string,
      caller: { ak: string },
      request: { agencyUrn: string; sessionName: string },
    ) => {
      calls.push({
        caller: caller.ak,
        agencyUrn: request.agencyUrn,
        sessionName: request.sessionName,
      });
      if (state.refusing !== undefined) {
        throw new AccountCredentialsError(account, 'STS assume', {
          status: state.refusing,
          code: 'STS.0302',
          huaweiMessage: 'refused',
          requestId: undefined,
        });
      }
      return issue(calls.length);
    },
  } as unknown as HuaweiIdentityClient;
  return { identity, calls, state };
};

const build = () => {
  const clock = { now: Date.parse('2026-12-01T09:00:00Z') };
  const huawei = fakeHuawei(clock);
  let secretReads = 0;
  const providers = createAccountProviders(accounts, {
    readSecret: async () => {
      secretReads += 1;
      return JSON.stringify(CENTRAL);
    },
    identity: huawei.identity,
    webIdentity: () => Promise.reject(new Error('no oidc account here')),
    now: () => clock.now,
  });
  const retail = providers.get('retail');
  if (retail === undefined) throw new Error('no retail provider');
  return { clock, huawei, retail, providers, secretReads: () => secretReads };
};

describe('per-account credentials', () => {
  it('assumes the agency once for concurrent callers, with the central account key', async () => {
    // Prepare
    const { huawei, retail, secretReads } = build();

    // Act
    const got = await Promise.all([retail.get(), retail.get(), retail.get()]);

    // Assess
    expect(new Set(got.map((c) => c.ak))).toEqual(new Set(['TMPAK1']));
    expect(huawei.calls).toEqual([
      {
        caller: CENTRAL.ak,
        agencyUrn: 'iam::d2b0000000000000000000000000000b:agency:vpn-monitor',
        sessionName: SESSION_NAME,
      },
    ]);
    expect(secretReads()).toBe(1);
    const [first] = got;
    if (first === undefined) throw new Error('no credentials');
    expect(retail.identity()).toBe(`retail:${credentialsIdentity(first).slice(0, 16)}`);
    expect(retail.identity()).not.toContain('TMPAK1');
  });

  it('renews them five minutes before they expire, and at once after refresh()', async () => {
    // Prepare
    const { clock, retail } = build();
    await retail.get();

    // Act
    clock.now += 9 * MINUTE;
    const stillCached = await retail.get();
    clock.now += 1 * MINUTE;
    const renewed = await retail.get();
    retail.refresh();
    const afterRefusal = await retail.get();

    // Assess
    expect([stillCached.ak, renewed.ak, afterRefusal.ak]).toEqual(['TMPAK1', 'TMPAK2', 'TMPAK3']);
  });

  it('caches no refusal, and reads the central key again when Huawei refused it (401)', async () => {
    // Prepare
    const { huawei, retail, secretReads } = build();
    huawei.state.refusing = 401;

    // Act
    const refused = await retail.get().then(
      () => undefined,
      (error: unknown) => error as AccountCredentialsError,
    );
    huawei.state.refusing = undefined;
    const later = await retail.get();

    // Assess
    expect(refused?.status).toBe(401);
    expect(refused?.message).toMatch(/^Account retail: /);
    expect(later.ak).toBe('TMPAK2');
    expect(secretReads()).toBe(2);
  });
});
