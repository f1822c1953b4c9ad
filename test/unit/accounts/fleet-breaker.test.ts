import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialGate } from '../../../lib/accounts/credential-guard.ts';
import {
  type BreakerState,
  breakerVerdict,
  CredentialBreaker,
  createDynamoBreakerStore,
} from '../../../lib/accounts/fleet-breaker.ts';
import { CredentialsBreakerOpenError, HuaweiApiError } from '../../../lib/errors.ts';
import { type CredentialsProvider, credentialsIdentity } from '../../../lib/huawei/credentials.ts';
import { type LocalDynamoDb, startDynamoDb } from '../../../local/aws/dynamodb.ts';

const SETTINGS = { cooldownMs: 1_000, maxRefusalsInARow: 3, leaseMs: 500, pollMs: 20 };
const NOW = 1_000_000;
const CONTEXT = { now: NOW, owner: 'me', provenHere: false, freshSince: NOW, canChange: false };
const state = (overrides: Partial<BreakerState> = {}): BreakerState => ({
  refusals: 0,
  lastRefusalAt: undefined,
  lastStatus: undefined,
  lastCode: undefined,
  lastRequestId: undefined,
  provenAt: undefined,
  leaseOwner: undefined,
  leaseUntil: undefined,
  ...overrides,
});

const refused = () =>
  new HuaweiApiError('create', {
    status: 401,
    code: 'APIGW.0301',
    huaweiMessage: 'bad signature',
    requestId: 'req-1',
  });

describe('credentialsIdentity', () => {
  it('differs when any part of the credentials changes, and never contains them', () => {
    // Prepare
    const base = { ak: 'AKEXAMPLE0001', sk: 'secret-key-value-0001', securityToken: undefined };
    // Act
    const ids = [
      credentialsIdentity(base),
      credentialsIdentity({ ...base, sk: 'secret-key-value-0002' }),
      credentialsIdentity({ ...base, securityToken: 'token-0001' }),
      credentialsIdentity({ ...base, ak: 'AKEXAMPLE0002' }),
    ];
    // Assess
    expect(new Set(ids).size).toBe(4);
    expect(credentialsIdentity(base)).toBe(ids[0]);
    for (const id of ids) expect(id).not.toMatch(/AKEXAMPLE|secret-key|token-0001/);
  });
});

describe('breakerVerdict', () => {
  it('sends a container that proved nothing to probe, and trusts a fresh proof', () => {
    expect(breakerVerdict(undefined, CONTEXT, SETTINGS)).toEqual({ kind: 'probe' });
    expect(breakerVerdict(state({ provenAt: NOW - 10 }), CONTEXT, SETTINGS)).toEqual({
      kind: 'probe',
    });
    expect(breakerVerdict(state({ provenAt: NOW + 1 }), CONTEXT, SETTINGS)).toEqual({
      kind: 'trusted',
    });
    expect(
      breakerVerdict(state({ provenAt: 1 }), { ...CONTEXT, provenHere: true }, SETTINGS),
    ).toEqual({ kind: 'trusted' });
  });

  it("waits while another container's lease lives, and takes over an expired one", () => {
    const leased = state({ leaseOwner: 'other', leaseUntil: NOW + 100 });
    expect(breakerVerdict(leased, CONTEXT, SETTINGS)).toEqual({
      kind: 'wait',
      untilMs: NOW + 100,
    });
    expect(breakerVerdict({ ...leased, leaseUntil: NOW - 1 }, CONTEXT, SETTINGS)).toEqual({
      kind: 'probe',
    });
  });

  it('cools down fixed credentials longer after each refusal and holds after the third', () => {
    const verdictAfter = (refusals: number, ago: number) =>
      breakerVerdict(state({ refusals, lastRefusalAt: NOW - ago }), CONTEXT, SETTINGS);
    expect(verdictAfter(1, 500)).toEqual({ kind: 'open', retryAt: NOW + 500 });
    expect(verdictAfter(1, 1_000)).toEqual({ kind: 'probe' });
    expect(verdictAfter(2, 1_000)).toEqual({ kind: 'open', retryAt: NOW + 4_000 });
    expect(verdictAfter(2, 5_000)).toEqual({ kind: 'probe' });
    expect(verdictAfter(3, 10_000_000)).toEqual({ kind: 'open', retryAt: undefined });
  });

  it("never probes a secret's refused credentials again: only a new value is tried", () => {
    const verdict = breakerVerdict(
      state({ refusals: 1, lastRefusalAt: NOW - 10_000_000 }),
      { ...CONTEXT, canChange: true },
      SETTINGS,
    );
    expect(verdict).toEqual({ kind: 'open', retryAt: undefined });
  });
});

describe('CredentialBreaker on DynamoDB', () => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  let table = 0;

  beforeAll(async () => {
    dynamo = await startDynamoDb({ tableName: 'breakers' });
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  /** `count` containers sharing one store, with credentials `current()` hands out. */
  const fleet = (count: number, current: () => { ak: string; sk: string }, canChange = false) => {
    table++;
    const store = createDynamoBreakerStore({ client, tableName: 'breakers', ttlSeconds: 3600 });
    const credentials: CredentialsProvider = {
      get: () => Promise.resolve({ ...current(), ak: `${current().ak}-${table}` }),
      refresh: () => undefined,
    };
    return Array.from({ length: count }, () => {
      const breaker = new CredentialBreaker({ store, settings: SETTINGS });
      return {
        session: (budget: { deadline: number }) => breaker.session(budget, credentials, canChange),
      };
    });
  };

  it('lets one of many cold containers probe; a refusal stops all the others without a call', async () => {
    // Prepare
    const containers = fleet(8, () => ({ ak: 'AK', sk: 'SK' }));
    let calls = 0;
    const call = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw refused();
    };
    // Act
    const errors = await Promise.all(
      containers.map((breaker) => {
        const gate = new CredentialGate(
          () => undefined,
          breaker.session({ deadline: Date.now() + 5_000 }),
        );
        return gate.run(call).catch((error: unknown) => error);
      }),
    );
    // Assess: one call, seven containers told the breaker is open, with Huawei's answer
    expect(calls).toBe(1);
    const open = errors.filter((e) => e instanceof CredentialsBreakerOpenError);
    expect(open).toHaveLength(7);
    expect(open[0]).toMatchObject({ retryAt: expect.any(Number), cause: { code: 'APIGW.0301' } });
  });

  it('lets the waiting containers call once the probe succeeded, without probing again', async () => {
    // Prepare: the probe takes a while; each later call stays in flight until all four later
    // calls have started (or 2 s pass): if the waiting containers went one probe after another,
    // the first of them would end before the next started.
    const containers = fleet(5, () => ({ ak: 'AK', sk: 'SK' }));
    const events: string[] = [];
    let started = 0;
    let allStarted = (): void => undefined;
    const othersInFlight = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    const call = async () => {
      started++;
      const n = started;
      events.push(`start ${n}`);
      if (n === 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      } else {
        if (n === containers.length) allStarted();
        let fallback: NodeJS.Timeout | undefined;
        await Promise.race([
          othersInFlight,
          new Promise((resolve) => {
            fallback = setTimeout(resolve, 2_000);
          }),
        ]);
        clearTimeout(fallback);
      }
      events.push(`end ${n}`);
      return 'ok';
    };
    // Act
    const results = await Promise.all(
      containers.map((breaker) =>
        new CredentialGate(() => undefined, breaker.session({ deadline: Date.now() + 5_000 })).run(
          call,
        ),
      ),
    );
    // Assess: all succeeded with one call each; the probe ran alone first, and the other four
    // only after it ended, all together rather than one probe after another
    expect(results).toEqual(Array(5).fill('ok'));
    expect(events.slice(0, 2)).toEqual(['start 1', 'end 1']);
    expect(events.slice(2, 6).sort()).toEqual(['start 2', 'start 3', 'start 4', 'start 5']);
    expect(events.slice(6).sort()).toEqual(['end 2', 'end 3', 'end 4', 'end 5']);
  });

  it('tries a new secret value at once, while the refused one stays stopped', async () => {
    // Prepare: the breaker of the first secret value is open
    let sk = 'old';
    const [first, second] = fleet(2, () => ({ ak: 'AK', sk }), true);
    const gate = new CredentialGate(
      () => undefined,
      first?.session({ deadline: Date.now() + 5_000 }),
    );
    await gate.run(() => Promise.reject(refused())).catch(() => undefined);
    const stillOld = new CredentialGate(
      () => undefined,
      second?.session({ deadline: Date.now() + 5_000 }),
    );
    await expect(stillOld.run(() => Promise.resolve('called'))).rejects.toBeInstanceOf(
      CredentialsBreakerOpenError,
    );
    // Act: the secret is rotated
    sk = 'new';
    const rotated = new CredentialGate(
      () => undefined,
      second?.session({ deadline: Date.now() + 5_000 }),
    );
    // Assess
    await expect(rotated.run(() => Promise.resolve('called'))).resolves.toBe('called');
  });
});
