import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { createCredentialsProvider } from '../../lib/huawei/credentials.ts';
import { HuaweiVpnClient } from '../../lib/huawei/vpn-client.ts';
import {
  ANSWER_PROFILES,
  type HuaweiSimulator,
  startHuaweiSimulator,
} from '../../local/huawei-simulator/index.ts';
import { type ContractSubject, vpnClientContract } from '../contract/vpn-client-contract.ts';

// The contract `npm run test:live` holds a real project to, held here against the simulator:
// what the simulator answers must be something the real API is checked to answer too.

const PROJECT_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const CREDENTIALS = { ak: 'CONTRACTTESTAK000001', sk: 'contract-test-secret-key-000001' };

let huawei: HuaweiSimulator;
let client: HuaweiVpnClient;

beforeAll(async () => {
  huawei = await startHuaweiSimulator({
    credentials: [CREDENTIALS],
    projects: { [PROJECT_ID]: 0 },
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

// Under every answer profile: whichever way the simulator words a refusal, it must stay within
// what the contract (and so the real API, when test:live passes) allows.
describe.each(Object.entries(ANSWER_PROFILES))(
  'Huawei VPN API contract, against the simulator, answer profile %s',
  (_, profile) => {
    let subject: ContractSubject;
    beforeAll(() => {
      huawei.setAnswerProfile(profile);
      // A disposable connection among others, so the listing has pages to follow.
      for (let i = 0; i < 3; i++) huawei.addConnection(PROJECT_ID, randomUUID());
      const vpnConnectionId = huawei.addConnection(PROJECT_ID, randomUUID()).id;
      huawei.addConnection(PROJECT_ID, randomUUID());
      subject = {
        client,
        target: { projectId: PROJECT_ID, region: 'cn-north-4' },
        endpoint: huawei.endpoint,
        vpnConnectionId,
      };
    });
    vpnClientContract(() => subject);
  },
);
