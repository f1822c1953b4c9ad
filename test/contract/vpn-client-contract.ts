import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { HuaweiApiError } from '../../lib/errors.ts';
import { createCredentialsProvider } from '../../lib/huawei/credentials.ts';
import { HuaweiVpnClient, type VpnTarget } from '../../lib/huawei/vpn-client.ts';
import { isKeyRefusal } from '../../lib/retry/policy.ts';

/**
 * What the contract runs against: a client for a project, and a VPN connection there that may
 * be given a monitor (ACTIVE or DOWN; in a real project, a disposable one).
 */
export interface ContractSubject {
  client: HuaweiVpnClient;
  target: VpnTarget;
  endpoint: string;
  vpnConnectionId: string;
}

/** The documented statuses (Huawei's API reference); anything else breaks the contract. */
const CONNECTION_STATUSES = [
  'ACTIVE',
  'DOWN',
  'ERROR',
  'PENDING_CREATE',
  'PENDING_UPDATE',
  'PENDING_DELETE',
];
const MONITOR_STATUSES = ['ACTIVE', 'PENDING_CREATE', 'PENDING_DELETE'];
/** A Huawei error code: `VPN.0004`, `APIGW.0301`. */
const ERROR_CODE = /^[A-Z]+\.\d{4}$/;
/** Enough pages to find the connection in a real project, few enough to stay cheap. */
const MAX_PAGES = 50;

const refusal = async (call: Promise<unknown>): Promise<HuaweiApiError> => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HuaweiApiError);
  return error as HuaweiApiError;
};

const expectErrorShape = (error: HuaweiApiError, statuses: (s: number) => boolean) => {
  expect(statuses(error.status)).toBe(true);
  expect(error.code).toMatch(ERROR_CODE);
  expect(error.requestId).toEqual(expect.any(String));
};

/**
 * The Huawei VPN API as this project relies on it, written once against `HuaweiVpnClient`:
 * `npm test` runs it against the simulator under every answer profile, `npm run test:live`
 * against a real project. Call inside a `describe` whose `beforeAll` makes the subject.
 * Leaves one monitor on the subject's connection (never deleted: a rerun finds it).
 */
export const vpnClientContract = (subject: () => ContractSubject): void => {
  const monitorOf = async (): Promise<string> => {
    const { client, target, vpnConnectionId } = subject();
    const listed = await client.listMonitors(target, vpnConnectionId);
    const ids = listed.monitors
      .filter((m) => m.vpn_connection_id === vpnConnectionId)
      .map((m) => m.id);
    expect(ids).toHaveLength(1);
    return ids[0] ?? '';
  };

  it("creates the connection's monitor, or finds the one it has; a second create is refused with a 4xx", async () => {
    const { client, target, vpnConnectionId } = subject();
    // Create or find: a first run creates, a rerun is refused and finds it by listing
    const first = await client.createMonitor(target, vpnConnectionId).then(
      (created) => created.monitor.id,
      async (error: unknown) => {
        expect(error).toBeInstanceOf(HuaweiApiError);
        expect((error as HuaweiApiError).status).toBeGreaterThanOrEqual(400);
        expect((error as HuaweiApiError).status).toBeLessThan(500);
        return monitorOf();
      },
    );
    // One monitor per connection: the repeat is refused, however Huawei words it
    const second = await refusal(client.createMonitor(target, vpnConnectionId));
    expectErrorShape(second, (s) => s >= 400 && s < 500);
    expect(isKeyRefusal(second)).toBe(false);
    expect(await monitorOf()).toBe(first);
  });

  it('lists the monitors of the project and of one connection', async () => {
    const { client, target, vpnConnectionId } = subject();
    const id = await monitorOf();
    const all = await client.listMonitors(target, undefined);
    const one = await client.listMonitors(target, vpnConnectionId);
    expect(all.monitors.map((m) => m.id)).toContain(id);
    expect(one.monitors.every((m) => m.vpn_connection_id === vpnConnectionId)).toBe(true);
    expect(one.requestId).toEqual(expect.any(String));
  });

  it('shows the monitor with a documented status', async () => {
    const { client, target, vpnConnectionId } = subject();
    const id = await monitorOf();
    const shown = await client.showMonitor(target, id);
    expect(shown.monitor).toMatchObject({ id, vpn_connection_id: vpnConnectionId });
    expect(MONITOR_STATUSES).toContain(shown.monitor.status);
  });

  it('shows the connection with a documented status', async () => {
    const { client, target, vpnConnectionId } = subject();
    const shown = await client.showConnection(target, vpnConnectionId);
    expect(shown.connection.id).toBe(vpnConnectionId);
    expect(CONNECTION_STATUSES).toContain(shown.connection.status);
  });

  it('pages through the connections with limit and marker, without repeats', async () => {
    const { client, target, vpnConnectionId } = subject();
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.listVpnConnections(target, { limit: 1, marker });
      expect(result.connections.length).toBeLessThanOrEqual(1);
      seen.push(...result.connections.map((c) => c.id));
      marker = result.nextMarker;
      if (marker === undefined || seen.includes(vpnConnectionId)) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toContain(vpnConnectionId);
  });

  it('answers unknown monitors and connections with a coded 4xx error and a request id', async () => {
    const { client, target } = subject();
    expectErrorShape(
      await refusal(client.showMonitor(target, randomUUID())),
      (s) => s === 404 || s === 400,
    );
    expectErrorShape(
      await refusal(client.showConnection(target, randomUUID())),
      (s) => s === 404 || s === 400,
    );
  });

  it('refuses an unknown access key with a 401 that the policy reads as a refused key', async () => {
    // A made-up AK: Huawei's lockout counts per key, so the real key is never at risk.
    const { target, endpoint } = subject();
    const stranger = new HuaweiVpnClient({
      endpoint: () => endpoint,
      credentials: createCredentialsProvider(
        {
          kind: 'environment',
          ak: `CONTRACT${randomUUID().replaceAll('-', '').slice(0, 12).toUpperCase()}`,
          sk: randomUUID(),
          securityToken: undefined,
        },
        async () => undefined,
      ),
      attemptTimeoutMs: 10_000,
    });
    try {
      const error = await refusal(stranger.listMonitors(target, undefined));
      expect(error.status).toBe(401);
      expect(error.code).toMatch(/^APIGW\./);
      expect(isKeyRefusal(error)).toBe(true);
    } finally {
      await stranger.close();
    }
  });
};
