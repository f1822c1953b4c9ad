import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CredentialGate } from '../../../lib/accounts/credential-guard.ts';
import {
  ConnectionNotReadyError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  MonitorRefusedError,
  PermissionRefusedError,
} from '../../../lib/errors.ts';
import { createCredentialsProvider } from '../../../lib/huawei/credentials.ts';
import { HuaweiVpnClient, type VpnTarget } from '../../../lib/huawei/vpn-client.ts';
import type {
  EnsureMonitorDeps,
  EnsureMonitorOptions,
} from '../../../lib/provision/ensure-monitor.ts';
import { ensureMonitor } from '../../../lib/provision/ensure-monitor.ts';
import { RetryExhaustedError } from '../../../lib/retry/with-retry.ts';
import {
  ANSWER_PROFILES,
  DEFAULT_ANSWER_PROFILE,
  type HuaweiSimulator,
  startHuaweiSimulator,
  type VpnConnectionStatus,
} from '../../../local/huawei-simulator/index.ts';

// Every decision of a refused create, against the simulator made to answer each way Huawei
// might (the answer profiles: nothing public pins these answers down). What is asserted is
// what the caller acts on: the outcome or the error class, the status read, and how many
// calls it took.

const PROJECT = { projectId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', region: 'cn-north-4' };
const OTHER = { projectId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', region: 'cn-north-4' };
const CREDENTIALS = { ak: 'ENSUREMONITORTESTAK01', sk: 'ensure-monitor-test-secret-key' };
const GRACE_MS = 300_000;

/** How a create may be refused: the already-exists, not-ready and not-found answers. */
const REFUSALS = {
  'VPN.0381': { status: 400, code: 'VPN.0381', message: 'already has connection monitor' },
  'VPN.0001': { status: 400, code: 'VPN.0001', message: 'Invalid request' },
  'conflict-409': { status: 409, code: 'VPN.0409', message: 'Conflict' },
  'bad-request-400': { status: 400, code: 'VPN.0001', message: 'resource is not ready' },
  'forbidden-403': { status: 403, code: 'VPN.0003', message: 'resource is not ready' },
  'not-found-404': { status: 404, code: 'VPN.0004', message: 'resource not found' },
} as const;
const EVERY_REFUSAL = Object.entries(REFUSALS);

let huawei: HuaweiSimulator;
let client: HuaweiVpnClient;

beforeAll(async () => {
  huawei = await startHuaweiSimulator({
    credentials: [CREDENTIALS],
    projects: { [PROJECT.projectId]: 0, [OTHER.projectId]: 0 },
  });
  client = new HuaweiVpnClient({
    endpoint: () => huawei.endpoint,
    credentials: createCredentialsProvider(
      { kind: 'environment', ...CREDENTIALS, securityToken: undefined },
      async () => undefined,
    ),
    attemptTimeoutMs: 2_000,
  });
});

afterAll(async () => {
  await client?.close();
  await huawei?.stop();
});

beforeEach(() => {
  huawei.clearFaults();
  huawei.resetStats();
});

const newDeps = (gate = new CredentialGate(() => undefined)): EnsureMonitorDeps => ({
  client,
  gate,
  retry: {
    maxAttempts: 3,
    deadline: Date.now() + 20_000,
    attemptTimeoutMs: 2_000,
    backoff: { baseMs: 1, capMs: 5 },
  },
});

const recent: EnsureMonitorOptions = { eventTime: Date.now(), notFoundGraceMs: GRACE_MS };
const longAgo: EnsureMonitorOptions = {
  eventTime: Date.now() - 2 * GRACE_MS,
  notFoundGraceMs: GRACE_MS,
};

const connection = (status: VpnConnectionStatus = 'ACTIVE', target: VpnTarget = PROJECT) =>
  huawei.addConnection(target.projectId, randomUUID(), status).id;

const refuseCreate = (
  id: string,
  refusal: { status: number; code: string; message: string },
  times = 1,
) =>
  huawei.injectFault({ kind: 'status', operation: 'create', connectionId: id, times, ...refusal });

const calls = () => huawei.stats().byOperation;

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );

describe('ensureMonitor: a refused create is decided by Huawei state', () => {
  it('creates the monitor when Huawei accepts, with one call', async () => {
    const id = connection();
    const ensured = await ensureMonitor(newDeps(), PROJECT, id, recent);
    expect(ensured).toMatchObject({ outcome: 'created', monitor: { vpn_connection_id: id } });
    expect(calls()).toEqual({ create: 1 });
  });

  it.each(EVERY_REFUSAL)(
    'finds the existing monitor when create answers %s',
    async (_, refusal) => {
      // Prepare: the monitor exists; Huawei refuses the second one in this profile's words
      const id = connection();
      const existing = await client.createMonitor(PROJECT, id);
      huawei.resetStats();
      refuseCreate(id, refusal);
      // Act
      const ensured = await ensureMonitor(newDeps(), PROJECT, id, recent);
      // Assess: carried on with it, one extra call
      expect(ensured).toMatchObject({
        outcome: 'already_existed',
        monitor: { id: existing.monitor.id },
      });
      expect(calls()).toEqual({ create: 1, list: 1 });
    },
  );

  it.each(
    EVERY_REFUSAL.flatMap(([name, refusal]) =>
      (['PENDING_CREATE', 'PENDING_UPDATE'] as const).map(
        (status) => [name, status, refusal] as const,
      ),
    ),
  )('waits when create answers %s and the connection is %s', async (_, status, refusal) => {
    const id = connection(status);
    refuseCreate(id, refusal);
    const error = await failure(ensureMonitor(newDeps(), PROJECT, id, recent));
    expect(error).toBeInstanceOf(ConnectionNotReadyError);
    expect(error).toMatchObject({ connectionStatus: status, cause: { code: refusal.code } });
    expect(calls()).toEqual({ create: 1, list: 1, showConnection: 1 });
  });

  it.each(EVERY_REFUSAL)(
    'waits for a connection not found within the grace period (create answers %s)',
    async (_, refusal) => {
      const id = randomUUID();
      refuseCreate(id, refusal);
      const error = await failure(ensureMonitor(newDeps(), PROJECT, id, recent));
      expect(error).toBeInstanceOf(ConnectionNotReadyError);
      expect(error).toMatchObject({ connectionStatus: 'NOT_FOUND' });
    },
  );

  it.each([
    ['404 VPN.0004', { status: 404, code: 'VPN.0004' }],
    ['400 VPN.0001', { status: 400, code: 'VPN.0001' }],
  ])('gives up a connection not found past the grace period (show answers %s)', async (_, show) => {
    const id = randomUUID();
    huawei.injectFault({ kind: 'status', operation: 'showConnection', connectionId: id, ...show });
    const error = await failure(ensureMonitor(newDeps(), PROJECT, id, longAgo));
    expect(error).toBeInstanceOf(MonitorRefusedError);
    expect(error).toMatchObject({ connectionStatus: 'NOT_FOUND' });
    expect((error as Error).message).toContain('not found');
    expect(calls()).toEqual({ create: 1, list: 1, showConnection: 1 });
  });

  it('gives up a connection not found when the event time is unknown', async () => {
    const error = await failure(
      ensureMonitor(newDeps(), PROJECT, randomUUID(), { notFoundGraceMs: GRACE_MS }),
    );
    expect(error).toBeInstanceOf(MonitorRefusedError);
  });

  it.each([
    ['ACTIVE', 'VPN.0001'],
    ['DOWN', 'VPN.0001'],
    ['ACTIVE', 'conflict-409'],
  ] as const)(
    'dead-letters a real refusal: connection %s, no monitor, create answers %s',
    async (status, name) => {
      const id = connection(status);
      refuseCreate(id, REFUSALS[name], 2);
      const error = await failure(ensureMonitor(newDeps(), PROJECT, id, recent));
      expect(error).toBeInstanceOf(MonitorRefusedError);
      // Asked twice: the first answer may predate the connection becoming ready.
      expect(calls()).toEqual({ create: 2, list: 2, showConnection: 2 });
      expect(error).toMatchObject({
        connectionStatus: status,
        cause: { status: REFUSALS[name].status, code: REFUSALS[name].code },
      });
      expect((error as Error).message).toContain(REFUSALS[name].code);
    },
  );

  it('creates the monitor when the connection became ready after the create was refused', async () => {
    // Prepare: the create is answered "not ready"; by the time the state is read, it is ACTIVE
    const id = connection('ACTIVE');
    refuseCreate(id, REFUSALS['conflict-409']);
    // Act
    const ensured = await ensureMonitor(newDeps(), PROJECT, id, recent);
    // Assess: created by the second create, nothing dead-lettered
    expect(ensured.outcome).toBe('created');
    expect(
      huawei.monitors(PROJECT.projectId).filter((m) => m.vpn_connection_id === id),
    ).toHaveLength(1);
    expect(calls()).toEqual({ create: 2, list: 1, showConnection: 1 });
  });

  it('gives up a connection in ERROR with its status', async () => {
    const id = connection('ERROR');
    refuseCreate(id, REFUSALS['VPN.0001']);
    const error = await failure(ensureMonitor(newDeps(), PROJECT, id, recent));
    expect(error).toBeInstanceOf(MonitorRefusedError);
    expect(error).toMatchObject({ connectionStatus: 'ERROR' });
  });

  it('reads a 403 on a ready connection as a permission refusal and stops that project only', async () => {
    // Prepare
    const gate = new CredentialGate(() => expect.fail('the key was not refused'));
    const id = connection('ACTIVE');
    refuseCreate(id, REFUSALS['forbidden-403'], 2);
    // Act
    const error = await failure(ensureMonitor(newDeps(gate), PROJECT, id, recent));
    huawei.resetStats();
    const again = await failure(ensureMonitor(newDeps(gate), PROJECT, connection(), recent));
    const other = await ensureMonitor(newDeps(gate), OTHER, connection('ACTIVE', OTHER), recent);
    // Assess: the reason names project, region and action; no further call for the project
    expect(error).toBeInstanceOf(PermissionRefusedError);
    expect(error).toMatchObject({
      projectId: PROJECT.projectId,
      region: PROJECT.region,
      action: 'vpn:connectionMonitors:create',
    });
    expect((again as RetryExhaustedError).cause).toBeInstanceOf(PermissionRefusedError);
    expect((again as RetryExhaustedError).decision.disposition).toBe('give-up');
    expect(other.outcome).toBe('created');
    expect(calls()).toEqual({ create: 1 });
    expect(gate.stopped).toBe(false);
  });

  it.each([
    ['list', 'vpn:connectionMonitors:list'],
    ['showConnection', 'vpn:vpnConnections:get'],
  ] as const)('names the action when %s is refused with 403', async (operation, action) => {
    const gate = new CredentialGate(() => undefined);
    const id = connection('PENDING_CREATE');
    refuseCreate(id, REFUSALS['VPN.0001']);
    huawei.injectFault({
      kind: 'status',
      operation,
      connectionId: id,
      status: 403,
      code: 'VPN.0003',
      message: 'Authentication failed: Access denied. Obtain the required permissions',
    });
    const error = await failure(ensureMonitor(newDeps(gate), PROJECT, id, recent));
    expect(error).toBeInstanceOf(PermissionRefusedError);
    expect(error).toMatchObject({ action });
    expect((error as Error).message).toContain(PROJECT.projectId);
  });

  it('stops every call after a refused key, without reading state', async () => {
    const gate = new CredentialGate(() => undefined);
    const id = connection();
    huawei.injectFault({
      kind: 'status',
      operation: 'create',
      connectionId: id,
      status: 401,
      code: 'APIGW.0301',
      message: 'AK access failed to reach the limit,forbidden',
    });
    const error = await failure(ensureMonitor(newDeps(gate), PROJECT, id, recent));
    const next = await failure(ensureMonitor(newDeps(gate), OTHER, connection(), recent));
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect((error as RetryExhaustedError).cause).toBeInstanceOf(HuaweiApiError);
    expect(next).toBeInstanceOf(RetryExhaustedError);
    expect((next as RetryExhaustedError).cause).toBeInstanceOf(HuaweiCallsStoppedError);
    expect(calls()).toEqual({ create: 1 });
  });

  it('retries a throttled create instead of reading state', async () => {
    const id = connection();
    huawei.injectFault({
      kind: 'status',
      operation: 'create',
      connectionId: id,
      status: 429,
      code: 'APIGW.0308',
    });
    const ensured = await ensureMonitor(newDeps(), PROJECT, id, recent);
    expect(ensured.outcome).toBe('created');
    expect(calls()).toEqual({ create: 2 });
  });

  it('retries the state reads like any call', async () => {
    const id = connection('PENDING_CREATE');
    refuseCreate(id, REFUSALS['conflict-409']);
    huawei.injectFault({ kind: 'status', operation: 'list', connectionId: id, status: 503 });
    huawei.injectFault({
      kind: 'status',
      operation: 'showConnection',
      connectionId: id,
      status: 502,
      code: 'APIGW.0201',
    });
    const error = await failure(ensureMonitor(newDeps(), PROJECT, id, recent));
    expect(error).toBeInstanceOf(ConnectionNotReadyError);
    expect(calls()).toEqual({ create: 1, list: 2, showConnection: 2 });
  });

  it('finds the monitor after a create that may have gone through unanswered', async () => {
    const id = connection();
    huawei.injectFault({ kind: 'drop-after', operation: 'create', connectionId: id, times: 3 });
    const ensured = await ensureMonitor(newDeps(), PROJECT, id, recent);
    expect(ensured.outcome).toBe('already_existed');
    expect(
      huawei.monitors(PROJECT.projectId).filter((m) => m.vpn_connection_id === id),
    ).toHaveLength(1);
  });
});

describe.each(Object.entries(ANSWER_PROFILES))(
  'ensureMonitor under the simulator answer profile %s',
  (_, profile) => {
    beforeAll(() => {
      huawei.setAnswerProfile(profile);
    });
    afterAll(() => {
      huawei.setAnswerProfile(DEFAULT_ANSWER_PROFILE);
    });

    it('carries on with the monitor a connection already has', async () => {
      const id = connection();
      const existing = await client.createMonitor(PROJECT, id);
      const ensured = await ensureMonitor(newDeps(), PROJECT, id, recent);
      expect(ensured).toMatchObject({
        outcome: 'already_existed',
        monitor: { id: existing.monitor.id },
      });
    });

    it.each(['PENDING_CREATE', 'PENDING_UPDATE'] as const)(
      'waits for a connection in %s, without stopping the project',
      async (status) => {
        const gate = new CredentialGate(() => expect.fail('the key was not refused'));
        const id = connection(status);
        const error = await failure(ensureMonitor(newDeps(gate), PROJECT, id, recent));
        expect(error).toBeInstanceOf(ConnectionNotReadyError);
        expect(error).toMatchObject({ connectionStatus: status });
        const next = await ensureMonitor(newDeps(gate), PROJECT, connection(), recent);
        expect(next.outcome).toBe('created');
      },
    );

    it('waits for an unknown connection within the grace period, then gives it up', async () => {
      const id = randomUUID();
      const early = await failure(ensureMonitor(newDeps(), PROJECT, id, recent));
      const late = await failure(ensureMonitor(newDeps(), PROJECT, id, longAgo));
      expect(early).toBeInstanceOf(ConnectionNotReadyError);
      expect(late).toBeInstanceOf(MonitorRefusedError);
      expect(late).toMatchObject({ connectionStatus: 'NOT_FOUND' });
    });
  },
);
