import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuaweiApiError } from '../../../lib/errors.ts';
import { createCredentialsProvider } from '../../../lib/huawei/credentials.ts';
import { HuaweiVpnClient } from '../../../lib/huawei/vpn-client.ts';
import { startHuaweiSimulator } from '../../../local/huawei-simulator/server.ts';
import type { HuaweiSimulator } from '../../../local/huawei-simulator/types.ts';
import { CONNECTION_ID, CREDENTIALS, PROJECT_ID } from '../../local/huawei-simulator/helpers.ts';

const TARGET = { projectId: PROJECT_ID, region: 'cn-north-4' };
const UNKNOWN_MONITOR_ID = '00000000-0000-4000-a000-000000000000';

describe('HuaweiVpnClient against the VPN API simulator', () => {
  let simulator: HuaweiSimulator;
  let client: HuaweiVpnClient;

  beforeAll(async () => {
    simulator = await startHuaweiSimulator({
      credentials: [CREDENTIALS],
      projects: { [PROJECT_ID]: [CONNECTION_ID] },
    });
    client = new HuaweiVpnClient({
      endpoint: () => simulator.endpoint,
      credentials: createCredentialsProvider(
        { kind: 'environment', ...CREDENTIALS, securityToken: CREDENTIALS.securityToken },
        () => Promise.reject(new Error('no secret in this test')),
      ),
      attemptTimeoutMs: 5_000,
    });
  });

  afterAll(async () => {
    await client.close();
    await simulator.stop();
  });

  it('shows the monitor it created (with its status), and lists it by connection', async () => {
    // Act
    const created = await client.createMonitor(TARGET, CONNECTION_ID);
    const shown = await client.showMonitor(TARGET, created.monitor.id);
    const listed = await client.listMonitors(TARGET, CONNECTION_ID);

    // Assess
    expect(shown.monitor).toMatchObject(created.monitor);
    expect(shown.monitor.status).toEqual(expect.any(String));
    expect(shown.requestId).toEqual(expect.any(String));
    expect(shown.requestId).not.toBe(created.requestId);
    expect(listed.monitors.map((monitor) => monitor.id)).toEqual([created.monitor.id]);
  });

  it('answers a deleted monitor, and an unknown one, with the API error', async () => {
    // Prepare
    const { monitors } = await client.listMonitors(TARGET, CONNECTION_ID);
    const monitorId = monitors[0]?.id ?? UNKNOWN_MONITOR_ID;

    // Act
    const deleted = await client.deleteMonitor(TARGET, monitorId);
    const gone = await client.showMonitor(TARGET, monitorId).catch((error: unknown) => error);
    const unknown = await client
      .showMonitor(TARGET, UNKNOWN_MONITOR_ID)
      .catch((error: unknown) => error);

    // Assess
    expect(deleted.requestId).toEqual(expect.any(String));
    for (const error of [gone, unknown]) {
      expect(error).toBeInstanceOf(HuaweiApiError);
      expect((error as HuaweiApiError).status).toBeGreaterThanOrEqual(400);
      expect((error as HuaweiApiError).message).toMatch(/^Huawei VPN API show failed with HTTP 4/);
    }
  });
});
