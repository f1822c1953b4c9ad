import { afterAll, beforeAll, describe, it } from 'vitest';
import { createCredentialsProvider } from '../../lib/huawei/credentials.ts';
import { defaultVpnEndpoint } from '../../lib/huawei/endpoints.ts';
import { HuaweiVpnClient } from '../../lib/huawei/vpn-client.ts';
import { type ContractSubject, vpnClientContract } from '../contract/vpn-client-contract.ts';
import { LIVE_VARIABLES, readLiveSetting } from './live-setting.ts';

// `npm run test:live`: the contract of test/contract, against a real Huawei project. It leaves
// one monitor on the disposable connection and deletes nothing (a rerun finds that monitor).

const setting = readLiveSetting(process.env);

if (setting.kind === 'skipped') {
  console.warn(`test:live skipped: ${setting.reason}`);
}

describe.runIf(setting.kind === 'live')('Huawei VPN API contract, against a real project', () => {
  let client: HuaweiVpnClient;
  let subject: ContractSubject;

  beforeAll(() => {
    if (setting.kind !== 'live') return;
    const endpoint = setting.endpoint ?? defaultVpnEndpoint(setting.region);
    client = new HuaweiVpnClient({
      endpoint: () => endpoint,
      credentials: createCredentialsProvider(
        {
          kind: 'environment',
          ak: setting.ak,
          sk: setting.sk,
          securityToken: setting.securityToken,
        },
        async () => undefined,
      ),
      attemptTimeoutMs: 15_000,
    });
    subject = {
      client,
      target: { projectId: setting.projectId, region: setting.region },
      endpoint,
      vpnConnectionId: setting.vpnConnectionId,
    };
  });

  afterAll(async () => {
    await client?.close();
  });

  vpnClientContract(() => subject);
});

describe.runIf(setting.kind === 'skipped')(
  'Huawei VPN API contract, against a real project',
  () => {
    it.skip(`needs ${LIVE_VARIABLES.join(', ')} (HUAWEICLOUD_LIVE_ENDPOINT optional)`, () => {});
  },
);
