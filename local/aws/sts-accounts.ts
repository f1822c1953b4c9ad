import type { HuaweiCredentials } from '../../lib/huawei/signer.ts';
import type {
  SimulatorAccount,
  SimulatorIdentityOptions,
} from '../huawei-simulator/identity/identity-options.ts';
import { type LocalSecretsManager, startSecretsManager } from './secrets-manager.ts';
import { type LocalSts, startLocalSts } from './sts.ts';

/** One account of the local scenario, as a test or the summary needs to know it. */
export interface ScenarioAccount {
  name: string;
  domainId: string;
  source: 'static' | 'agency' | 'oidc';
  projectId: string;
  region: string;
}

/** Three Huawei accounts, one per credential source, with the AWS stand-ins they need. */
export interface AccountsScenario {
  accounts: ScenarioAccount[];
  /** For `startHuaweiSimulator({ identity })`. */
  identity: SimulatorIdentityOptions;
  /** The accounts document, as JSON. */
  document: { accounts: Record<string, unknown>[] };
  sts: LocalSts;
  secrets: LocalSecretsManager;
  /** The role the function runs as: its web identity tokens' `sub`. */
  roleArn: string;
  /** The central key (the static account's), in its secret. */
  centralKey: HuaweiCredentials;
  /** The function's environment: the document inline, and STS, IAM and AWS endpoints. */
  environmentFor(huaweiEndpoint: string): Record<string, string>;
  stop(): Promise<void>;
}

/** Options: how the OIDC account is set up, to make it go wrong on purpose. */
export interface AccountsScenarioOptions {
  /** The audience the function asks its token for; default the provider's client id. */
  audience?: string;
  /** The role ARN the AWS STS stand-in signs for; default the one the agency trusts. */
  tokenRoleArn?: string;
  /** `sts` (default) or `iam` for the agency account. */
  agencyApi?: 'sts' | 'iam';
}

const ROLE_ARN = 'arn:aws:iam::000000000000:role/vpn-monitor-provisioner-createMonitor';
const AUDIENCE = 'huawei-vpn-monitor';
const CENTRAL_SECRET = 'vpn-monitor/huawei/payments';
const CENTRAL_KEY: HuaweiCredentials = {
  ak: 'PAYMENTSSTATICAK0001',
  sk: 'payments-static-secret-key-never-printed',
};

/** The three accounts: domain, project and region are fixed, so runs are comparable. */
const SCENARIO_ACCOUNTS: readonly ScenarioAccount[] = [
  {
    name: 'payments',
    domainId: 'd1a0000000000000000000000000000a',
    source: 'static',
    projectId: 'a1000000000000000000000000000001',
    region: 'cn-north-4',
  },
  {
    name: 'retail',
    domainId: 'd2b0000000000000000000000000000b',
    source: 'agency',
    projectId: 'b2000000000000000000000000000002',
    region: 'ap-southeast-1',
  },
  {
    name: 'logistics',
    domainId: 'd3c0000000000000000000000000000c',
    source: 'oidc',
    projectId: 'c3000000000000000000000000000003',
    region: 'eu-west-101',
  },
];

/**
 * Starts the AWS STS and Secrets Manager stand-ins and describes three Huawei accounts:
 * `payments` with a static key in a secret, `retail` reached through an agency that trusts
 * `payments`, and `logistics` reached keylessly (OIDC trust agency pinned to the function's
 * role). The simulator is started by the caller with `identity`.
 */
export const startAccountsScenario = async (
  options: AccountsScenarioOptions = {},
): Promise<AccountsScenario> => {
  const sts = await startLocalSts({
    roleArn: options.tokenRoleArn ?? ROLE_ARN,
    functionArn:
      'arn:aws:lambda:eu-west-1:000000000000:function:vpn-monitor-provisioner-createMonitor',
  });
  const secrets = await startSecretsManager({
    [CENTRAL_SECRET]: JSON.stringify({ ak: CENTRAL_KEY.ak, sk: CENTRAL_KEY.sk }),
  });
  const [payments, retail, logistics] = SCENARIO_ACCOUNTS as [
    ScenarioAccount,
    ScenarioAccount,
    ScenarioAccount,
  ];
  const simulatorAccount = (account: ScenarioAccount): SimulatorAccount => ({
    domainId: account.domainId,
    name: account.name,
    projects: { [account.projectId]: account.region },
  });
  const identity: SimulatorIdentityOptions = {
    accounts: [
      { ...simulatorAccount(payments), keys: [CENTRAL_KEY] },
      {
        ...simulatorAccount(retail),
        agencies: [{ name: 'vpn-monitor', trustedDomains: [payments.domainId] }],
      },
      {
        ...simulatorAccount(logistics),
        oidcProviders: [
          { name: 'aws-lambda', issuer: sts.issuer, signingKey: sts.jwks(), clientIds: [AUDIENCE] },
        ],
        agencies: [
          { name: 'vpn-monitor-oidc', oidc: { provider: 'aws-lambda', subjects: [ROLE_ARN] } },
        ],
      },
    ],
  };
  const project = (account: ScenarioAccount) => [`${account.projectId}:${account.region}`];
  const document = {
    accounts: [
      {
        name: payments.name,
        domain_id: payments.domainId,
        credentials: { source: 'static', secret_id: CENTRAL_SECRET },
        projects: project(payments),
      },
      {
        name: retail.name,
        domain_id: retail.domainId,
        credentials: {
          source: 'agency',
          via: payments.name,
          agency_name: 'vpn-monitor',
          api: options.agencyApi ?? 'sts',
          duration_seconds: 900,
        },
        projects: project(retail),
      },
      {
        name: logistics.name,
        domain_id: logistics.domainId,
        credentials: {
          source: 'oidc',
          audience: options.audience ?? AUDIENCE,
          provider_name: 'aws-lambda',
          agency_name: 'vpn-monitor-oidc',
          duration_seconds: 900,
        },
        projects: 'discover',
      },
    ],
  };
  return {
    accounts: [...SCENARIO_ACCOUNTS],
    identity,
    document,
    sts,
    secrets,
    roleArn: ROLE_ARN,
    centralKey: { ...CENTRAL_KEY },
    environmentFor: (huaweiEndpoint) => ({
      ACCOUNTS_DOCUMENT: JSON.stringify(document),
      HUAWEICLOUD_VPN_ENDPOINT: huaweiEndpoint,
      HUAWEICLOUD_STS_ENDPOINT: huaweiEndpoint,
      HUAWEICLOUD_IAM_ENDPOINT: huaweiEndpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    }),
    stop: async () => {
      await Promise.all([sts.stop(), secrets.stop()]);
    },
  };
};
