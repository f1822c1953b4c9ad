import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEAD_LETTER_QUEUE_MAX_BYTES,
  SOURCE_QUEUE_MAX_BYTES_LIMIT,
} from '../../lib/aws/sqs-limits.ts';
import {
  loadConfig,
  loadHealthConfig,
  loadIngestConfig,
  loadReconcileConfig,
  loadReplayConfig,
} from '../../lib/config/index.ts';
import { recordHealthMetrics } from '../../lib/health/index.ts';
import { createMetrics, METRICS_NAMESPACE } from '../../lib/metrics.ts';
import {
  type Evaluator,
  evaluate,
  LOOK_ALIKE,
  lambdaFunctions,
  packageService,
  readTemplate,
  type Template,
} from './template.ts';
import { relativeImports, resolveIn, staticClosure, zipModules } from './zip-modules.ts';

/*
 * A reviewer's checklist for serverless.yml, as code: packages the service offline, as CI does,
 * and asserts on the CloudFormation template it generates. References resolve to look-alike
 * ARNs (see template.ts), so permissions are compared as "action on ARN".
 */

const PROD_RECONCILE_PROJECT = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';

/** What each stage's parameters promise (serverless.yml, `params`). */
const STAGES = {
  dev: {
    batchSize: 5,
    window: 1,
    concurrency: 2,
    maxReceiveCount: 3,
    logRetentionInDays: 7,
    tracing: false,
    archive: false,
    alarmTopic: 'none',
    // dev names no project: its reconcile is not scheduled until one is set.
    reconcileScheduled: false,
    params: [] as string[],
    reconcileTargets: [] as { projectId: string; region: string }[],
  },
  prod: {
    batchSize: 10,
    window: 5,
    concurrency: 5,
    maxReceiveCount: 5,
    logRetentionInDays: 90,
    tracing: true,
    archive: true,
    alarmTopic: 'created',
    // prod must decide what its scheduled reconcile covers: packaging refuses it otherwise
    // (build/check-params.cjs); this is the decision CI passes too.
    reconcileScheduled: true,
    params: [`reconcileTargets=${PROD_RECONCILE_PROJECT}:cn-north-4`] as string[],
    reconcileTargets: [{ projectId: PROD_RECONCILE_PROJECT, region: 'cn-north-4' }],
  },
} as const;

const EXISTING_SECRET_NAME = 'platform/huawei-vpn-key';
const EXISTING_SECRET_ARN = `arn:aws:secretsmanager:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:secret:platform/huawei-vpn-key-Xy12Ab`;
const ACCOUNTS_PARAMETER = '/vpn-monitor/accounts';
const EXISTING_TOPIC_ARN = `arn:aws:sns:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:platform-alarms`;

interface Packaged {
  dir: string;
  template: Template;
  e: Evaluator;
}

const workDir = mkdtempSync(join(tmpdir(), 'vpn-monitor-provisioner-cfn-'));
const packaged = new Map<string, Packaged>();

const pack = (name: string, stage: string, params: string[] = []): void => {
  const dir = join(workDir, name);
  packageService(stage, dir, params);
  const template = readTemplate(dir);
  packaged.set(name, { dir, template, e: evaluate(template) });
};

const get = (name: string): Packaged => {
  const found = packaged.get(name);
  if (found === undefined) throw new Error(`${name} was not packaged`);
  return found;
};

// One after the other: serverless-esbuild builds in the service's own .esbuild folder. Each run
// also empties the service's .serverless folder (osls does so before packaging, even with
// --package), so a package made before `npm test` must be made again after it.
beforeAll(() => {
  pack('dev', 'dev', STAGES.dev.params);
  pack('prod', 'prod', STAGES.prod.params);
  pack('prod-existing-secret-name', 'prod', [
    ...STAGES.prod.params,
    `huaweiCredentialsSecret=${EXISTING_SECRET_NAME}`,
    `alarmTopic=${EXISTING_TOPIC_ARN}`,
    'tracing=false',
  ]);
  pack('dev-existing-secret-arn', 'dev', [`huaweiCredentialsSecret=${EXISTING_SECRET_ARN}`]);
  pack('dev-keyless', 'dev', [
    `accountsDocumentParameter=${ACCOUNTS_PARAMETER}`,
    'webIdentityAudience=huawei-vpn-monitor',
  ]);
  pack('prod-accounts-with-secrets', 'prod', [
    `accountsDocumentParameter=${ACCOUNTS_PARAMETER}`,
    'accountSecretsPrefix=vpn-monitor/huawei/',
  ]);
}, 150_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

type Props = Record<string, unknown>;

const props = ({ template }: Packaged, logicalId: string): Props => {
  const properties = template.Resources[logicalId]?.Properties;
  if (properties === undefined) throw new Error(`no resource ${logicalId}`);
  return properties;
};

/** A resource's properties with every intrinsic function resolved. */
const resolved = (p: Packaged, logicalId: string): Props =>
  p.e.resolve(props(p, logicalId)) as Props;

/** An EventBridge schedule rule's properties, resolved. */
const scheduleRule = (p: Packaged, logicalId: string) =>
  resolved(p, logicalId) as {
    ScheduleExpression: string;
    State: string;
    Targets: { Arn: string; Input?: string }[];
  };

const arnOf = (p: Packaged, logicalId: string): string =>
  p.e.resolveText({ 'Fn::GetAtt': [logicalId, 'Arn'] });

const environmentOf = (p: Packaged, functionId: string): Record<string, string> =>
  p.e.resolve(
    (props(p, functionId).Environment as { Variables: unknown } | undefined)?.Variables ?? {},
  ) as Record<string, string>;

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const statementsOf = (p: Packaged, roleId: string): Statement[] => {
  const policies = resolved(p, roleId).Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
};

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Every permission a role grants, as "action on resource", sorted. */
const grantsOf = (p: Packaged, roleId: string): string[] =>
  statementsOf(p, roleId)
    .flatMap((statement) =>
      list(statement.Action).flatMap((action) =>
        list(statement.Resource).map((resource) => `${action} on ${resource}`),
      ),
    )
    .sort();

const grants = (actions: string[], resource: string): string[] =>
  actions.map((action) => `${action} on ${resource}`);

const X_RAY = grants(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*');

/** IAM's matching: `*` any run of characters, `?` any one character. */
const matches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

/** Whether any Allow statement of the role covers `action` on `resource`. */
const allows = (p: Packaged, roleId: string, action: string, resource: string): boolean =>
  statementsOf(p, roleId).some(
    (statement) =>
      statement.Effect === 'Allow' &&
      list(statement.Action).some((a) => matches(String(a), action)) &&
      list(statement.Resource).some((r) => matches(String(r), resource)),
  );

describe.each(['dev', 'prod'] as const)('serverless package --stage %s', (stage) => {
  const expected = STAGES[stage];

  it('redrives the source queue to the DLQ after MAX_RECEIVE_COUNT deliveries', () => {
    const p = get(stage);
    const { RedrivePolicy } = resolved(p, 'SourceQueue') as {
      RedrivePolicy: { deadLetterTargetArn: string; maxReceiveCount: number };
    };
    expect(RedrivePolicy.deadLetterTargetArn).toBe(arnOf(p, 'DeadLetterQueue'));
    expect(RedrivePolicy.maxReceiveCount).toBe(expected.maxReceiveCount);
    // The function gives up (DLQ with a reason) on the same delivery on which SQS would.
    const env = environmentOf(p, 'CreateMonitorLambdaFunction');
    expect(Number(env.MAX_RECEIVE_COUNT)).toBe(RedrivePolicy.maxReceiveCount);
  });

  it('keeps a message invisible for at least 6 x the function timeout plus the batching window', () => {
    const p = get(stage);
    const timeout = Number(props(p, 'CreateMonitorLambdaFunction').Timeout);
    const mapping = props(p, 'CreateMonitorEventSourceMappingSQSSourceQueue');
    const window = Number(mapping.MaximumBatchingWindowInSeconds);
    expect(timeout).toBeGreaterThan(0);
    expect(Number(props(p, 'SourceQueue').VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * timeout + window,
    );
  });

  it("maps the source queue to createMonitor with the stage's batching and partial batch responses", () => {
    const p = get(stage);
    const mappings = Object.keys(p.template.Resources).filter(
      (id) => p.template.Resources[id]?.Type === 'AWS::Lambda::EventSourceMapping',
    );
    expect(mappings).toEqual(['CreateMonitorEventSourceMappingSQSSourceQueue']);
    expect(resolved(p, 'CreateMonitorEventSourceMappingSQSSourceQueue')).toMatchObject({
      EventSourceArn: arnOf(p, 'SourceQueue'),
      FunctionName: arnOf(p, 'CreateMonitorLambdaFunction'),
      Enabled: true,
      BatchSize: expected.batchSize,
      MaximumBatchingWindowInSeconds: expected.window,
      ScalingConfig: { MaximumConcurrency: expected.concurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('encrypts both queues and keeps dead letters 14 days, redriven only from the source queue', () => {
    const p = get(stage);
    expect(props(p, 'SourceQueue').SqsManagedSseEnabled).toBe(true);
    const dlq = resolved(p, 'DeadLetterQueue');
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(dlq.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [arnOf(p, 'SourceQueue')],
    });
  });

  it('sizes the DLQ to take anything the source queue takes, plus the failure reason', () => {
    const p = get(stage);
    const source = Number(resolved(p, 'SourceQueue').MaximumMessageSize);
    const dlq = Number(resolved(p, 'DeadLetterQueue').MaximumMessageSize);
    // Both explicit: SQS's default changed (256 KiB, then 1 MiB); the writer sizes by these.
    expect(source).toBe(256 * 1024);
    expect(dlq).toBe(DEAD_LETTER_QUEUE_MAX_BYTES);
    expect(dlq).toBe(1_048_576);
    expect(source).toBeLessThanOrEqual(SOURCE_QUEUE_MAX_BYTES_LIMIT);
  });

  it('keeps idempotency records on demand, with TTL on `expiration` and point-in-time recovery', () => {
    const p = get(stage);
    expect(resolved(p, 'IdempotencyTable')).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('creates the Huawei credentials secret without a value, and passes only its id', () => {
    const p = get(stage);
    const secret = props(p, 'HuaweiCredentialsSecret');
    expect(secret).not.toHaveProperty('SecretString');
    expect(secret).not.toHaveProperty('GenerateSecretString');
    for (const [functionId] of lambdaFunctions(p.template)) {
      const env = environmentOf(p, functionId);
      for (const name of Object.keys(env)) {
        expect(name).not.toMatch(/_AK$|_SK$|SECURITY_TOKEN|PASSWORD/);
      }
    }
    expect(environmentOf(p, 'CreateMonitorLambdaFunction').HUAWEICLOUD_CREDENTIALS_SECRET_ID).toBe(
      p.e.resolveText({ Ref: 'HuaweiCredentialsSecret' }),
    );
  });

  it('gives each function an environment its config module accepts at cold start', () => {
    const p = get(stage);
    const env = environmentOf(p, 'CreateMonitorLambdaFunction');
    const config = loadConfig(env);
    expect(config.credentials).toEqual({
      kind: 'secrets-manager',
      secretId: p.e.resolveText({ Ref: 'HuaweiCredentialsSecret' }),
    });
    expect(config.sourceQueueUrl).toBe(p.e.resolveText({ Ref: 'SourceQueue' }));
    expect(config.deadLetterQueueUrl).toBe(p.e.resolveText({ Ref: 'DeadLetterQueue' }));
    expect(config.eventBusName).toBe(p.e.resolveText({ Ref: 'EventBus' }));
    expect(config.idempotencyTableName).toBe(p.e.resolveText({ Ref: 'IdempotencyTable' }));
    expect(env).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'vpn-monitor-provisioner',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: stage === 'dev' ? 'DEBUG' : 'INFO',
    });
    expect(env.NOT_READY_DELAY_SECONDS).toMatch(/^[1-9]\d*$/);
    expect(config.notReadyMaxWaitSeconds).toBe(3600);
    expect(config.notFoundGraceSeconds).toBe(300);
    expect(loadReplayConfig(environmentOf(p, 'ReplayDlqLambdaFunction'))).toEqual({
      deadLetterQueueUrl: p.e.resolveText({ Ref: 'DeadLetterQueue' }),
      sourceQueueUrl: p.e.resolveText({ Ref: 'SourceQueue' }),
    });
    const reconcileEnv = environmentOf(p, 'ReconcileLambdaFunction');
    expect(loadReconcileConfig(reconcileEnv)).toMatchObject({
      credentials: config.credentials,
      sourceQueueUrl: p.e.resolveText({ Ref: 'SourceQueue' }),
      deleteOrphans: false,
      // dev: no huaweiProjectId and no reconcileTargets, a run must be given its targets; prod:
      // the targets it was packaged with.
      targets: expected.reconcileTargets,
    });
    expect(reconcileEnv).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      HUAWEICLOUD_REGION: env.HUAWEICLOUD_REGION,
    });
    const healthEnv = environmentOf(p, 'HealthLambdaFunction');
    expect(loadHealthConfig(healthEnv)).toMatchObject({
      credentials: config.credentials,
      stateTableName: p.e.resolveText({ Ref: 'IdempotencyTable' }),
      breakerTableName: p.e.resolveText({ Ref: 'IdempotencyTable' }),
      // the same targets as reconcile's
      targets: expected.reconcileTargets,
      health: {
        thresholds: {
          degradedLossPercent: 5,
          downLossPercent: 50,
          degradedLatencyMs: 300,
          windowMinutes: 5,
        },
        metricSource: 'link',
        connectionMetrics: false,
        cloudEyeEndpoint: undefined,
        eventBusName: p.e.resolveText({ Ref: 'EventBus' }),
        eventSource: 'vpn-monitor-provisioner',
      },
    });
    expect(healthEnv).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      HUAWEICLOUD_REGION: env.HUAWEICLOUD_REGION,
      FUNCTION_TIMEOUT_SECONDS: String(props(p, 'HealthLambdaFunction').Timeout),
    });
  });

  it('runs health every five minutes when reconcile is scheduled, with the scheduled event as its payload', () => {
    const p = get(stage);
    const rule = scheduleRule(p, 'HealthEventsRuleSchedule1');
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.State).toBe(expected.reconcileScheduled ? 'ENABLED' : 'DISABLED');
    expect(rule.Targets).toEqual([
      { Arn: arnOf(p, 'HealthLambdaFunction'), Id: expect.any(String) },
    ]);
    expect(props(p, 'HealthLambdaFunction').Timeout).toBe(300);
  });

  it('runs reconcile on its schedule, daily by default, with the configured options', () => {
    const p = get(stage);
    const rules = Object.entries(p.template.Resources).filter(
      ([, { Type }]) => Type === 'AWS::Events::Rule',
    );
    // reconcile's, and health's (its own test below)
    expect(rules.map(([id]) => id).sort()).toEqual([
      'HealthEventsRuleSchedule1',
      'ReconcileEventsRuleSchedule1',
    ]);
    const rule = scheduleRule(p, 'ReconcileEventsRuleSchedule1');
    expect(rule.ScheduleExpression).toBe('rate(1 day)');
    expect(rule.State).toBe(expected.reconcileScheduled ? 'ENABLED' : 'DISABLED');
    // No Input: the function receives EventBridge's scheduled event and runs with its defaults.
    expect(rule.Targets).toEqual([
      { Arn: arnOf(p, 'ReconcileLambdaFunction'), Id: expect.any(String) },
    ]);
    expect(props(p, 'ReconcileLambdaFunction').Timeout).toBe(300);
  });

  it("keeps each function's logs for the stage's retention, and traces as the stage says", () => {
    const p = get(stage);
    for (const id of ['CreateMonitor', 'ReplayDlq', 'Reconcile', 'Ingest']) {
      expect(props(p, `${id}LogGroup`).RetentionInDays).toBe(expected.logRetentionInDays);
      expect(p.template.Resources[`${id}LambdaFunction`]?.DependsOn).toContain(`${id}LogGroup`);
      const tracing = props(p, `${id}LambdaFunction`).TracingConfig;
      expect(tracing).toEqual(expected.tracing ? { Mode: 'Active' } : undefined);
    }
  });

  it('packages each function on its own: a minified ESM bundle and its source map', () => {
    const p = get(stage);
    for (const [functionId, resource] of lambdaFunctions(p.template)) {
      const properties = resource.Properties ?? {};
      const key = (properties.Code as { S3Key: string }).S3Key;
      const handlerFile = String(properties.Handler).replace(/\.[^.]+$/, '');
      const entries = execFileSync('unzip', ['-Z1', join(p.dir, basename(key))], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((entry) => entry !== '' && !entry.endsWith('/'));
      expect(entries, functionId).toContain(`${handlerFile}.mjs`);
      expect(entries, functionId).toContain(`${handlerFile}.mjs.map`);
      expect(
        entries.filter((entry) => entry.startsWith('node_modules/')),
        functionId,
      ).toEqual([]);
    }
    const keys = lambdaFunctions(p.template).map(([functionId]) =>
      basename((props(p, functionId).Code as { S3Key: string }).S3Key),
    );
    expect(keys.sort()).toEqual(
      ['createMonitor.zip', 'health.zip', 'ingest.zip', 'reconcile.zip', 'replayDlq.zip'].sort(),
    );
  });

  it('names TypeScript lines in the stack trace of a failed cold start, as Node maps them itself', () => {
    const p = get(stage);
    const fn = props(p, 'CreateMonitorLambdaFunction');
    const unpacked = mkdtempSync(join(workDir, 'unpacked-'));
    execFileSync('unzip', ['-q', join(p.dir, 'createMonitor.zip'), '-d', unpacked]);
    const url = pathToFileURL(join(unpacked, `${String(fn.Handler).split('.')[0]}.mjs`)).href;
    // No configuration at all: loadConfig throws at import, and Lambda logs the error's stack.
    const stackOfFailedImport = (nodeOptions: string): string =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import(${JSON.stringify(url)}).then(() => console.log('loaded'), (error) => console.log(error.stack));`,
        ],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, AWS_REGION: LOOK_ALIKE.region, NODE_OPTIONS: nodeOptions },
        },
      );
    const stack = stackOfFailedImport(
      environmentOf(p, 'CreateMonitorLambdaFunction').NODE_OPTIONS ?? '',
    );
    expect(stack).toMatch(/^ConfigurationError: /);
    expect(stack).toMatch(/at loadConfig \(.*lib\/config\/shared\.ts:\d+:\d+\)/);
    expect(stack).toMatch(/handlers\/create-monitor\.ts:\d+:\d+/);
    expect(stack).not.toMatch(/\.mjs:/);
    expect(stack).toBe(stackOfFailedImport('--enable-source-maps'));
  });

  it("keeps each handler's chunks in its own zip, every module they import inside it", () => {
    const p = get(stage);
    for (const [functionId, resource] of lambdaFunctions(p.template)) {
      const properties = resource.Properties ?? {};
      const zip = join(p.dir, basename((properties.Code as { S3Key: string }).S3Key));
      const handlerFile = String(properties.Handler).replace(/\.[^.]+$/, '');
      const modules = zipModules(zip);
      const foreign = [...modules.keys()].filter(
        (name) => name !== `${handlerFile}.mjs` && !name.startsWith(`${handlerFile}.chunks/`),
      );
      expect(foreign, functionId).toEqual([]);
      const unresolved = [...modules].flatMap(([name, code]) => {
        const { static: imported, dynamic } = relativeImports(code);
        return [...imported, ...dynamic]
          .map((specifier) => resolveIn(name, specifier))
          .filter((target) => !modules.has(target));
      });
      expect(unresolved, functionId).toEqual([]);
    }
  });

  it('loads the SSM, STS and SQS clients and the Huawei STS/IAM exchanges of createMonitor on first use only', () => {
    const p = get(stage);
    const zip = join(p.dir, 'createMonitor.zip');
    const modules = zipModules(zip);
    const atColdStart = staticClosure(modules, 'handlers/create-monitor.mjs');
    // What each one's code holds: SSM's and SQS's JSON target prefixes (SQS is written to on
    // failure paths only), STS's operation name, Huawei's path.
    for (const marker of [
      '"AmazonSSM',
      '"AmazonSQS',
      '"GetWebIdentityToken"',
      '/v5/agencies/assume-with-oidc',
    ]) {
      const holders = [...modules].filter(([, code]) => code.includes(marker)).map(([n]) => n);
      expect(holders, marker).not.toEqual([]);
      expect(
        holders.filter((name) => atColdStart.has(name)),
        `${marker} is read at every cold start`,
      ).toEqual([]);
    }
  });

  it("loads Node's built-in modules with require, never through an import (their ES module face reads every export)", () => {
    const p = get(stage);
    const builtins = new Set(builtinModules);
    for (const [functionId, resource] of lambdaFunctions(p.template)) {
      const properties = resource.Properties ?? {};
      const modules = zipModules(
        join(p.dir, basename((properties.Code as { S3Key: string }).S3Key)),
      );
      // The banner too: it takes `require` from process.getBuiltinModule, not from an import.
      const imported = [...modules].flatMap(([name, code]) =>
        [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"'.][^"']*)["']/g)]
          .map((match) => match[1] ?? '')
          .filter((specifier) => builtins.has(specifier.replace(/^node:/, '')))
          .map((specifier) => `${name}: ${specifier}`),
      );
      expect(imported, functionId).toEqual([]);
      const required = [...modules].some(([, code]) =>
        /\("node:(?:http|https|crypto)"\)/.test(code),
      );
      expect(required, `${functionId} requires its built-ins`).toBe(true);
    }
  });

  it("carries in createMonitor's bundle its own configuration schema, none of the other functions'", () => {
    const p = get(stage);
    const modules = zipModules(join(p.dir, 'createMonitor.zip'));
    // A variable only each other function reads; built at import, their schemas would be
    // parsed and built at every createMonitor cold start.
    for (const marker of [
      'RECONCILE_DELETE_ORPHANS',
      'INGEST_MAX_BODY_BYTES',
      'HEALTH_WINDOW_MINUTES',
      'replayed messages go to',
    ]) {
      const holders = [...modules].filter(([, code]) => code.includes(marker)).map(([n]) => n);
      expect(holders, marker).toEqual([]);
    }
    expect(
      [...modules].some(([, code]) => code.includes('NOT_READY_MAX_WAIT_SECONDS')),
      "createMonitor's own schema",
    ).toBe(true);
  });

  it('publishes to a custom bus, archived for replay when the stage asks', () => {
    const p = get(stage);
    expect(props(p, 'EventBus').Name).toBe(`vpn-monitor-provisioner-${stage}`);
    expect(p.e.exists('MonitorCreatedEventArchive')).toBe(expected.archive);
    if (expected.archive) {
      expect(resolved(p, 'MonitorCreatedEventArchive')).toMatchObject({
        SourceArn: arnOf(p, 'EventBus'),
        RetentionDays: 30,
        EventPattern: { source: ['vpn-monitor-provisioner'] },
      });
    }
  });

  describe('IAM', () => {
    it('gives each function its own role, and creates no shared one', () => {
      const p = get(stage);
      const roles = Object.entries(p.template.Resources)
        .filter(([, { Type }]) => Type.startsWith('AWS::IAM::'))
        .map(([id]) => id)
        .sort();
      expect(roles).toEqual([
        'CreateMonitorRole',
        'HealthRole',
        'IngestRole',
        'ReconcileRole',
        'ReplayDlqRole',
      ]);
      expect(props(p, 'CreateMonitorLambdaFunction').Role).toEqual({
        'Fn::GetAtt': ['CreateMonitorRole', 'Arn'],
      });
      expect(props(p, 'ReplayDlqLambdaFunction').Role).toEqual({
        'Fn::GetAtt': ['ReplayDlqRole', 'Arn'],
      });
      expect(props(p, 'ReconcileLambdaFunction').Role).toEqual({
        'Fn::GetAtt': ['ReconcileRole', 'Arn'],
      });
      expect(props(p, 'IngestLambdaFunction').Role).toEqual({
        'Fn::GetAtt': ['IngestRole', 'Arn'],
      });
      expect(props(p, 'HealthLambdaFunction').Role).toEqual({
        'Fn::GetAtt': ['HealthRole', 'Arn'],
      });
      for (const role of roles) {
        expect(resolved(p, role).AssumeRolePolicyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        });
      }
    });

    it('scopes every statement: no "*" action, resources by reference, "*" only for X-Ray', () => {
      const p = get(stage);
      for (const role of [
        'CreateMonitorRole',
        'ReplayDlqRole',
        'ReconcileRole',
        'IngestRole',
        'HealthRole',
      ]) {
        const raw = (
          props(p, role).Policies as { PolicyDocument: { Statement: unknown[] } }[]
        ).flatMap((policy) => policy.PolicyDocument.Statement);
        for (const statement of raw) {
          // X-Ray's "*" is the one resource typed out, in a statement that exists only when
          // tracing is on; every other resource is a reference (Ref, Fn::GetAtt, Fn::Sub, or an
          // Fn::If choosing between them), so it names this stack's resource or a parameter's.
          // GetWebIdentityToken has no resource either: its statement exists only with an
          // audience configured, and its conditions pin the audience and the token's lifetime.
          if (JSON.stringify(statement).includes('"Resource":"*"')) {
            const federation = JSON.stringify(statement).includes('sts:GetWebIdentityToken');
            expect(statement, role).toMatchObject({
              'Fn::If': [federation ? 'WebIdentityFederation' : 'TracingEnabled', {}, {}],
            });
            if (federation) {
              expect(JSON.stringify(statement), role).toContain('sts:IdentityTokenAudience');
              expect(JSON.stringify(statement), role).toContain('sts:DurationSeconds');
            }
            continue;
          }
          // A statement that only some parameters create is an Fn::If of it and AWS::NoValue.
          const fnIf = (statement as { 'Fn::If'?: unknown[] })['Fn::If'];
          const branches = (fnIf === undefined ? [statement] : fnIf.slice(1)).filter(
            (branch) => JSON.stringify(branch) !== '{"Ref":"AWS::NoValue"}',
          );
          for (const branch of branches) {
            const { Resource } = branch as Statement;
            for (const resource of list(Resource)) {
              expect(Object.keys(resource as object), role).toEqual([
                expect.stringMatching(/^(Ref|Fn::GetAtt|Fn::Sub|Fn::If)$/),
              ]);
            }
          }
        }
        for (const statement of statementsOf(p, role)) {
          expect(statement.Effect, role).toBe('Allow');
          for (const loophole of ['NotAction', 'NotResource', 'NotPrincipal']) {
            expect(statement, role).not.toHaveProperty(loophole);
          }
          const actions = list(statement.Action).map(String);
          for (const action of actions) expect(action, role).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
          for (const resource of list(statement.Resource).map(String)) {
            if (resource === '*') {
              expect(expected.tracing, `${role}: "*" without tracing`).toBe(true);
              expect(
                actions.every((action) => action.startsWith('xray:')),
                role,
              ).toBe(true);
            } else {
              expect(resource, role).toMatch(
                new RegExp(`^arn:aws:[a-z0-9-]+:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:`),
              );
            }
          }
        }
      }
    });

    it('lets createMonitor do exactly what it needs', () => {
      const p = get(stage);
      const sourceQueue = arnOf(p, 'SourceQueue');
      const dlq = arnOf(p, 'DeadLetterQueue');
      expect(grantsOf(p, 'CreateMonitorRole')).toEqual(
        [
          ...grants(
            ['logs:CreateLogStream', 'logs:PutLogEvents'],
            arnOf(p, 'CreateMonitorLogGroup'),
          ),
          ...grants(
            [
              'sqs:ReceiveMessage',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
              'sqs:ChangeMessageVisibility',
            ],
            sourceQueue,
          ),
          ...grants(['sqs:SendMessage'], sourceQueue),
          ...grants(['sqs:SendMessage'], dlq),
          ...grants(
            ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            arnOf(p, 'IdempotencyTable'),
          ),
          ...grants(['events:PutEvents'], arnOf(p, 'EventBus')),
          ...grants(
            ['secretsmanager:GetSecretValue'],
            p.e.resolveText({ Ref: 'HuaweiCredentialsSecret' }),
          ),
          ...(expected.tracing ? X_RAY : []),
        ].sort(),
      );
      expect(allows(p, 'CreateMonitorRole', 'sqs:ReceiveMessage', dlq)).toBe(false);
      expect(allows(p, 'CreateMonitorRole', 'sqs:DeleteMessage', dlq)).toBe(false);
      // Behaviour changed: a not-ready connection waits through a delayed copy on the source queue.
      expect(allows(p, 'CreateMonitorRole', 'sqs:SendMessage', sourceQueue)).toBe(true);
      expect(allows(p, 'CreateMonitorRole', 'sqs:StartMessageMoveTask', dlq)).toBe(false);
      expect(
        allows(p, 'CreateMonitorRole', 'logs:PutLogEvents', arnOf(p, 'ReplayDlqLogGroup')),
      ).toBe(false);
    });

    it('lets replayDlq do only what a replay needs', () => {
      const p = get(stage);
      const sourceQueue = arnOf(p, 'SourceQueue');
      const dlq = arnOf(p, 'DeadLetterQueue');
      expect(grantsOf(p, 'ReplayDlqRole')).toEqual(
        [
          ...grants(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(p, 'ReplayDlqLogGroup')),
          ...grants(
            [
              'sqs:ReceiveMessage',
              'sqs:DeleteMessage',
              'sqs:ChangeMessageVisibility',
              'sqs:GetQueueAttributes',
              'sqs:StartMessageMoveTask',
              'sqs:ListMessageMoveTasks',
              'sqs:ListDeadLetterSourceQueues',
            ],
            dlq,
          ),
          ...grants(['sqs:SendMessage', 'sqs:GetQueueAttributes'], sourceQueue),
          ...(expected.tracing ? X_RAY : []),
        ].sort(),
      );
      const services = new Set(
        grantsOf(p, 'ReplayDlqRole').map((grant) => grant.slice(0, grant.indexOf(':'))),
      );
      expect([...services].sort()).toEqual(
        expected.tracing ? ['logs', 'sqs', 'xray'] : ['logs', 'sqs'],
      );
      expect(allows(p, 'ReplayDlqRole', 'sqs:ReceiveMessage', sourceQueue)).toBe(false);
      expect(allows(p, 'ReplayDlqRole', 'sqs:DeleteMessage', sourceQueue)).toBe(false);
    });

    it('lets reconcile queue connections, read the Huawei key and the credential breakers, nothing more', () => {
      const p = get(stage);
      const sourceQueue = arnOf(p, 'SourceQueue');
      const dlq = arnOf(p, 'DeadLetterQueue');
      expect(grantsOf(p, 'ReconcileRole')).toEqual(
        [
          ...grants(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(p, 'ReconcileLogGroup')),
          ...grants(['sqs:SendMessage'], sourceQueue),
          ...grants(['dynamodb:GetItem', 'dynamodb:UpdateItem'], arnOf(p, 'IdempotencyTable')),
          ...grants(
            ['secretsmanager:GetSecretValue'],
            p.e.resolveText({ Ref: 'HuaweiCredentialsSecret' }),
          ),
          ...(expected.tracing ? X_RAY : []),
        ].sort(),
      );
      expect(allows(p, 'ReconcileRole', 'sqs:ReceiveMessage', sourceQueue)).toBe(false);
      expect(allows(p, 'ReconcileRole', 'sqs:SendMessage', dlq)).toBe(false);
      expect(allows(p, 'ReconcileRole', 'dynamodb:PutItem', arnOf(p, 'IdempotencyTable'))).toBe(
        false,
      );
      expect(allows(p, 'ReconcileRole', 'events:PutEvents', arnOf(p, 'EventBus'))).toBe(false);
      // the table's items, only those of the credential breakers
      const breakers = statementsOf(p, 'ReconcileRole').find((s) => s.Sid === 'CredentialBreakers');
      expect(breakers?.Condition).toEqual({
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': ['vpn-monitor-provisioner.breaker#*'],
        },
      });
    });

    it('lets health read the Huawei key, its states and the breakers, and publish to the bus, nothing more', () => {
      const p = get(stage);
      const table = arnOf(p, 'IdempotencyTable');
      expect(grantsOf(p, 'HealthRole')).toEqual(
        [
          ...grants(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(p, 'HealthLogGroup')),
          ...grants(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], table),
          ...grants(['events:PutEvents'], arnOf(p, 'EventBus')),
          ...grants(
            ['secretsmanager:GetSecretValue'],
            p.e.resolveText({ Ref: 'HuaweiCredentialsSecret' }),
          ),
          ...(expected.tracing ? X_RAY : []),
        ].sort(),
      );
      expect(allows(p, 'HealthRole', 'dynamodb:PutItem', table)).toBe(false);
      expect(allows(p, 'HealthRole', 'dynamodb:Scan', table)).toBe(false);
      expect(allows(p, 'HealthRole', 'sqs:SendMessage', arnOf(p, 'SourceQueue'))).toBe(false);
      const items = statementsOf(p, 'HealthRole').find((s) => s.Sid === 'HealthStatesAndBreakers');
      expect(items?.Condition).toEqual({
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': [
            'vpn-monitor-provisioner.breaker#*',
            'vpn-monitor-provisioner.health#*',
            'vpn-monitor-provisioner.health-index#*',
          ],
        },
      });
    });
  });

  describe('dashboard', () => {
    type Widget = { properties: { title: string; metrics: unknown[][] } };
    const widgetsOf = (p: Packaged): Widget[] =>
      (JSON.parse(p.e.resolveText(props(p, 'Dashboard').DashboardBody)) as { widgets: Widget[] })
        .widgets;

    /** `[namespace, name, ...dimensions]`, or the metric names a SEARCH expression looks for. */
    const namedIn = (metric: unknown[]): { namespace: string; name: string }[] => {
      const [first, name] = metric;
      if (typeof first === 'string' && typeof name === 'string')
        return [{ namespace: first, name }];
      const expression = String((first as { expression?: string }).expression);
      const namespace = /\{([^,}]+)/.exec(expression)?.[1] ?? '';
      return [...expression.matchAll(/MetricName="([^"]+)"/g)].map((m) => ({
        namespace,
        name: String(m[1]),
      }));
    };

    /**
     * The metric names the functions emit: health's from a run of its recorder, every other
     * one as a string literal in lib/ (each recorder names its metrics as literals).
     */
    const emitted = (): Set<string> => {
      const names = new Set<string>();
      const sink = {
        addMetric: (name: string) => names.add(name),
        singleMetric: () => ({
          addDimension: () => undefined,
          addMetric: (n: string) => names.add(n),
        }),
      };
      recordHealthMetrics(
        sink as unknown as Parameters<typeof recordHealthMetrics>[0],
        {
          dryRun: false,
          startedAt: '',
          durationMs: 0,
          total: {
            connectionsSeen: 1,
            checked: 1,
            byState: { healthy: 1, degraded: 0, down: 0, 'no-data': 0, pending: 0, gone: 0 },
            changes: 0,
            lostRaces: 0,
            eventsPublished: 0,
            eventsPending: 0,
            cloudEyeCalls: 1,
            targetsFailed: 0,
          },
          targets: [
            {
              projectId: 'p',
              region: 'r',
              connectionsSeen: 1,
              checked: 1,
              byState: { healthy: 1, degraded: 0, down: 0, 'no-data': 0, pending: 0, gone: 0 },
              changes: 0,
              lostRaces: 0,
              eventsPublished: 0,
              eventsPending: 0,
              cloudEyeCalls: 1,
              connections: [
                {
                  connectionId: 'c',
                  monitorId: 'm',
                  state: 'healthy',
                  figures: { points: 3, lossPercent: 0, latencyMs: 10, status: 1 },
                },
              ],
            },
          ],
        },
        true,
      );
      const source = execFileSync('grep', ['-rhoE', "'[A-Z][A-Za-z]+'", 'lib'], {
        encoding: 'utf8',
      });
      for (const literal of source.split('\n')) names.add(literal.replaceAll("'", ''));
      return names;
    };

    it('shows the pipeline and the connections, every metric of ours one the functions emit', () => {
      const p = get(stage);
      const widgets = widgetsOf(p);
      expect(widgets.map((w) => w.properties.title)).toEqual([
        'Monitors created',
        'Dead-letter queue depth',
        'Ingest',
        'Huawei key refusals (credential breaker)',
        'Connections by health state',
        'Health changes and Cloud Eye calls',
        'Packet loss per connection (healthConnectionMetrics)',
        'Latency per connection (healthConnectionMetrics)',
      ]);
      const known = emitted();
      const ours = widgets
        .flatMap((w) => w.properties.metrics.flatMap(namedIn))
        .filter((m) => m.namespace === METRICS_NAMESPACE);
      expect(ours.length).toBeGreaterThan(20);
      for (const { name } of ours) expect(known, name).toContain(name);
      // the DLQ's depth is SQS's metric of this stack's DLQ
      expect(widgets[1]?.properties.metrics[0]).toEqual([
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        p.e.resolveText({ 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] }),
      ]);
    });

    it('finds a metric name the functions never emit', () => {
      expect(emitted()).not.toContain('ConnectionsSad');
      expect(emitted()).toContain('ConnectionsDegraded');
    });
  });

  describe('alarms', () => {
    const alarmsOf = (p: Packaged) =>
      Object.entries(p.template.Resources)
        .filter(([, { Type }]) => Type === 'AWS::CloudWatch::Alarm')
        .map(([id]): Props & { id: string } => ({ ...resolved(p, id), id }));

    it('watches the DLQ, the backlog, every function, reconciliation, Huawei authentication and the ingest endpoint', () => {
      const p = get(stage);
      const queueName = (id: string) => p.e.resolveText({ 'Fn::GetAtt': [id, 'QueueName'] });
      const functionName = (id: string) => p.e.resolveText({ Ref: id });
      const alarm = (
        id: string,
        Namespace: string,
        MetricName: string,
        Dimensions: Record<string, string>,
        Statistic: string,
        Threshold: number,
      ) => ({
        id,
        Namespace,
        MetricName,
        Dimensions: Object.entries(Dimensions).map(([Name, Value]) => ({ Name, Value })),
        Statistic,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold,
      });
      const alarms = alarmsOf(p);
      expect(alarms).toMatchObject([
        alarm(
          'DeadLetterQueueNotEmptyAlarm',
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          { QueueName: queueName('DeadLetterQueue') },
          'Maximum',
          0,
        ),
        alarm(
          'SourceQueueOldestMessageAlarm',
          'AWS/SQS',
          'ApproximateAgeOfOldestMessage',
          { QueueName: queueName('SourceQueue') },
          'Maximum',
          stage === 'dev' ? 3600 : 1800,
        ),
        alarm(
          'CreateMonitorErrorsAlarm',
          'AWS/Lambda',
          'Errors',
          { FunctionName: functionName('CreateMonitorLambdaFunction') },
          'Sum',
          0,
        ),
        alarm(
          'CreateMonitorThrottlesAlarm',
          'AWS/Lambda',
          'Throttles',
          { FunctionName: functionName('CreateMonitorLambdaFunction') },
          'Sum',
          0,
        ),
        alarm(
          'ReplayDlqErrorsAlarm',
          'AWS/Lambda',
          'Errors',
          { FunctionName: functionName('ReplayDlqLambdaFunction') },
          'Sum',
          0,
        ),
        alarm(
          'ReconcileErrorsAlarm',
          'AWS/Lambda',
          'Errors',
          { FunctionName: functionName('ReconcileLambdaFunction') },
          'Sum',
          0,
        ),
        alarm(
          'ReconcileIncompleteAlarm',
          METRICS_NAMESPACE,
          'ReconcileTargetsFailed',
          { service: 'vpn-monitor-provisioner' },
          'Sum',
          0,
        ),
        alarm(
          'HuaweiAuthFailuresAlarm',
          METRICS_NAMESPACE,
          'HuaweiAuthFailures',
          { service: 'vpn-monitor-provisioner' },
          'Sum',
          0,
        ),
        alarm(
          'IngestErrorsAlarm',
          'AWS/Lambda',
          'Errors',
          { FunctionName: functionName('IngestLambdaFunction') },
          'Sum',
          0,
        ),
        // Rates, from metric math (see the ingest endpoint's own tests below).
        { id: 'IngestServerErrorRateAlarm', Threshold: 0.05 },
        { id: 'IngestClientErrorRateAlarm', Threshold: 0.25 },
      ]);
      for (const { id, TreatMissingData, AlarmDescription } of alarms) {
        expect(TreatMissingData, id).toBe('notBreaching');
        expect(String(AlarmDescription).length, id).toBeGreaterThan(40);
      }
    });

    it.each([
      ['HuaweiAuthFailures', 'HuaweiAuthFailuresAlarm', 'CreateMonitorLambdaFunction'],
      ['ReconcileTargetsFailed', 'ReconcileIncompleteAlarm', 'ReconcileLambdaFunction'],
    ])('watches %s with exactly the dimensions Powertools Metrics emits', (metric, alarmId, fn) => {
      // Prepare: the Metrics of the emitting function, configured by its deployed environment.
      const p = get(stage);
      for (const [name, value] of Object.entries(environmentOf(p, fn))) {
        vi.stubEnv(name, value);
      }
      try {
        const metrics = createMetrics();
        // Act
        metrics.addMetric(metric, MetricUnit.Count, 1);
        const emf = metrics.serializeMetrics();
        // Assess
        const [directive] = emf._aws.CloudWatchMetrics;
        const emitted = (directive?.Dimensions ?? []).map((set) =>
          set.map((Name) => ({ Name, Value: emf[Name] })),
        );
        const watched = resolved(p, alarmId);
        expect(watched.MetricName).toBe(metric);
        expect(watched.Namespace).toBe(directive?.Namespace);
        expect(emitted).toEqual([watched.Dimensions]);
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it("notifies the stage's SNS topic", () => {
      const p = get(stage);
      expect(p.e.exists('AlarmTopic')).toBe(expected.alarmTopic === 'created');
      const actions =
        expected.alarmTopic === 'created' ? [p.e.resolveText({ Ref: 'AlarmTopic' })] : undefined;
      for (const { id, AlarmActions, OKActions } of alarmsOf(p)) {
        expect(AlarmActions, id).toEqual(actions);
        expect(OKActions, id).toEqual(actions);
      }
    });
  });
});

describe('serverless package with existing resources passed as parameters', () => {
  it('reads an existing secret named by name, scoped to its ARN, and notifies an existing topic', () => {
    const p = get('prod-existing-secret-name');
    expect(p.e.exists('HuaweiCredentialsSecret')).toBe(false);
    expect(p.e.exists('AlarmTopic')).toBe(false);
    expect(environmentOf(p, 'CreateMonitorLambdaFunction').HUAWEICLOUD_CREDENTIALS_SECRET_ID).toBe(
      EXISTING_SECRET_NAME,
    );
    // Secrets Manager appends "-" and six characters to a secret's name in its ARN.
    const secretArn = `arn:aws:secretsmanager:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:secret:${EXISTING_SECRET_NAME}-??????`;
    expect(grantsOf(p, 'CreateMonitorRole')).toContain(
      `secretsmanager:GetSecretValue on ${secretArn}`,
    );
    expect(
      allows(p, 'CreateMonitorRole', 'secretsmanager:GetSecretValue', EXISTING_SECRET_ARN),
    ).toBe(true);
    expect(
      allows(
        p,
        'CreateMonitorRole',
        'secretsmanager:GetSecretValue',
        `${EXISTING_SECRET_ARN.replace('huawei-vpn-key', 'huawei-vpn-key-other')}`,
      ),
    ).toBe(false);
    for (const id of ['DeadLetterQueueNotEmptyAlarm', 'HuaweiAuthFailuresAlarm']) {
      expect(resolved(p, id).AlarmActions).toEqual([EXISTING_TOPIC_ARN]);
    }
    // tracing=false: no X-Ray, so no "*" resource at all.
    expect(props(p, 'CreateMonitorLambdaFunction').TracingConfig).toBeUndefined();
    for (const role of [
      'CreateMonitorRole',
      'ReplayDlqRole',
      'ReconcileRole',
      'IngestRole',
      'HealthRole',
    ]) {
      expect(grantsOf(p, role).filter((grant) => grant.endsWith(' on *'))).toEqual([]);
    }
    expect(
      grantsOf(p, 'ReconcileRole').filter((grant) => grant.startsWith('secretsmanager:')),
    ).toEqual([`secretsmanager:GetSecretValue on ${secretArn}`]);
    expect(environmentOf(p, 'ReconcileLambdaFunction').HUAWEICLOUD_CREDENTIALS_SECRET_ID).toBe(
      EXISTING_SECRET_NAME,
    );
  });

  it('reads an existing secret given by ARN, by exactly that ARN', () => {
    const p = get('dev-existing-secret-arn');
    expect(p.e.exists('HuaweiCredentialsSecret')).toBe(false);
    expect(environmentOf(p, 'CreateMonitorLambdaFunction').HUAWEICLOUD_CREDENTIALS_SECRET_ID).toBe(
      EXISTING_SECRET_ARN,
    );
    expect(
      grantsOf(p, 'CreateMonitorRole').filter((grant) => grant.startsWith('secretsmanager:')),
    ).toEqual([`secretsmanager:GetSecretValue on ${EXISTING_SECRET_ARN}`]);
  });
});

describe.each(['dev', 'prod'] as const)(
  'the ingest endpoint, serverless package --stage %s',
  (stage) => {
    it('routes POST /ingest and POST /ingest/{token} to the ingest function, and nothing else', () => {
      const p = get(stage);
      const routes = Object.entries(p.template.Resources)
        .filter(([, { Type }]) => Type === 'AWS::ApiGatewayV2::Route')
        .map(([id]) => resolved(p, id).RouteKey)
        .sort();
      expect(routes).toEqual(['POST /ingest', 'POST /ingest/{token}']);
      expect(resolved(p, 'HttpApiIntegrationIngest')).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: arnOf(p, 'IngestLambdaFunction'),
        PayloadFormatVersion: '2.0',
      });
      expect(resolved(p, 'HttpApi')).toMatchObject({ ProtocolType: 'HTTP' });
    });

    it('throttles the stage with the rate and burst parameters', () => {
      const p = get(stage);
      expect(resolved(p, 'HttpApiStage').DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      });
    });

    it('keeps the token out of the access log: the route template, never the path', () => {
      const p = get(stage);
      const { Format } = resolved(p, 'HttpApiStage').AccessLogSettings as { Format: string };
      const variables = [...Format.matchAll(/\$context\.([A-Za-z.]+)/g)].map((m) => m[1]);
      expect(variables).toContain('routeKey');
      for (const leaky of ['path', 'resourcePath', 'http.path', 'requestOverride', 'authorizer']) {
        expect(variables.some((v) => v === leaky || v?.startsWith(`${leaky}.`))).toBe(false);
      }
      expect(Format).not.toMatch(/\$request\.|authorization|header/i);
      expect(JSON.parse(Format)).toHaveProperty('status', '$context.status');
    });

    it('generates the token secret in AWS, with no value in the template, and passes only its id', () => {
      const p = get(stage);
      const secret = props(p, 'IngestTokenSecret');
      expect(secret).not.toHaveProperty('SecretString');
      expect(secret.GenerateSecretString).toMatchObject({
        GenerateStringKey: 'current',
        ExcludePunctuation: true,
        IncludeSpace: false,
      });
      expect(
        Number((secret.GenerateSecretString as { PasswordLength: number }).PasswordLength),
      ).toBeGreaterThanOrEqual(32);
      const config = loadIngestConfig(environmentOf(p, 'IngestLambdaFunction'));
      expect(config).toMatchObject({
        tokenSecretId: p.e.resolveText({ Ref: 'IngestTokenSecret' }),
        sourceQueueUrl: p.e.resolveText({ Ref: 'SourceQueue' }),
        smnRegions: ['cn-north-4'],
        smnEndpointOverride: undefined,
        maxBodyBytes: 1024 * 1024,
      });
      // The same defaults as createMonitor's, so both accept the same events.
      const createMonitor = loadConfig(environmentOf(p, 'CreateMonitorLambdaFunction'));
      expect(config.defaultRegion).toBe(createMonitor.defaultRegion);
      expect(config.defaultProjectId).toBe(createMonitor.defaultProjectId);
    });

    it('lets ingest send to the source queue and read its tokens, nothing more', () => {
      const p = get(stage);
      expect(grantsOf(p, 'IngestRole')).toEqual(
        [
          ...grants(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(p, 'IngestLogGroup')),
          ...grants(['sqs:SendMessage'], arnOf(p, 'SourceQueue')),
          ...grants(
            ['secretsmanager:GetSecretValue'],
            p.e.resolveText({ Ref: 'IngestTokenSecret' }),
          ),
          ...(STAGES[stage].tracing ? X_RAY : []),
        ].sort(),
      );
      expect(
        allows(
          p,
          'IngestRole',
          'secretsmanager:GetSecretValue',
          p.e.resolveText({ Ref: 'HuaweiCredentialsSecret' }),
        ),
      ).toBe(false);
      expect(allows(p, 'IngestRole', 'sqs:SendMessage', arnOf(p, 'DeadLetterQueue'))).toBe(false);
    });

    it.each([
      ['IngestServerErrorRateAlarm', '5xx', 0.05],
      ['IngestClientErrorRateAlarm', '4xx', 0.25],
    ])(
      '%s alarms on the share of %s answers of the API, once it has 10 requests',
      (id, metric, threshold) => {
        const p = get(stage);
        const alarm = resolved(p, id) as {
          Metrics: {
            Id: string;
            Expression?: string;
            ReturnData: boolean;
            MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown } };
          }[];
          Threshold: number;
          ComparisonOperator: string;
        };
        const api = [{ Name: 'ApiId', Value: p.e.resolveText({ Ref: 'HttpApi' }) }];
        const stat = (metricId: string) => alarm.Metrics.find((m) => m.Id === metricId)?.MetricStat;
        expect(stat('errors')?.Metric).toEqual({
          Namespace: 'AWS/ApiGateway',
          MetricName: metric,
          Dimensions: api,
        });
        expect(stat('requests')?.Metric).toEqual({
          Namespace: 'AWS/ApiGateway',
          MetricName: 'Count',
          Dimensions: api,
        });
        const returned = alarm.Metrics.filter((m) => m.ReturnData);
        expect(returned.map((m) => m.Expression)).toEqual([
          'IF(requests >= 10, errors / requests, 0)',
        ]);
        expect(alarm).toMatchObject({
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      },
    );
  },
);

describe('serverless package with an accounts document', () => {
  const HUAWEI_FUNCTIONS = [
    ['CreateMonitorLambdaFunction', 'CreateMonitorRole'],
    ['ReconcileLambdaFunction', 'ReconcileRole'],
    ['HealthLambdaFunction', 'HealthRole'],
  ] as const;
  const parameterArn = `arn:aws:ssm:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:parameter${ACCOUNTS_PARAMETER}`;

  it('creates no Huawei secret when every account is keyless, and passes only the parameter', () => {
    const p = get('dev-keyless');
    expect(p.e.exists('HuaweiCredentialsSecret')).toBe(false);
    for (const [functionId, roleId] of HUAWEI_FUNCTIONS) {
      const env = environmentOf(p, functionId);
      expect(env.ACCOUNTS_DOCUMENT_PARAMETER).toBe(ACCOUNTS_PARAMETER);
      expect(env).not.toHaveProperty('HUAWEICLOUD_CREDENTIALS_SECRET_ID');
      expect(
        grantsOf(p, roleId).filter((grant) => /^(secretsmanager|ssm|sts):/.test(grant)),
      ).toEqual([`ssm:GetParameter on ${parameterArn}`, 'sts:GetWebIdentityToken on *']);
    }
    expect(loadConfig(environmentOf(p, 'CreateMonitorLambdaFunction')).accountsDocument).toEqual({
      kind: 'parameter',
      name: ACCOUNTS_PARAMETER,
    });
  });

  it('grants GetWebIdentityToken only for the audience and up to the duration configured', () => {
    const p = get('dev-keyless');
    for (const [, roleId] of HUAWEI_FUNCTIONS) {
      const federation = statementsOf(p, roleId).filter((statement) =>
        list(statement.Action).includes('sts:GetWebIdentityToken'),
      );
      expect(federation).toHaveLength(1);
      expect((federation[0] as Statement & { Condition?: unknown }).Condition).toEqual({
        'ForAllValues:StringEquals': { 'sts:IdentityTokenAudience': 'huawei-vpn-monitor' },
        NumericLessThanEquals: { 'sts:DurationSeconds': 300 },
      });
    }
    // and nobody else may ask for tokens
    expect(grantsOf(p, 'ReplayDlqRole').filter((g) => g.startsWith('sts:'))).toEqual([]);
  });

  it('lets static and agency accounts read their secrets under the prefix, and no token without an audience', () => {
    const p = get('prod-accounts-with-secrets');
    expect(p.e.exists('HuaweiCredentialsSecret')).toBe(false);
    const prefixArn = `arn:aws:secretsmanager:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:secret:vpn-monitor/huawei/*`;
    for (const [, roleId] of HUAWEI_FUNCTIONS) {
      expect(
        grantsOf(p, roleId).filter((grant) => /^(secretsmanager|ssm|sts):/.test(grant)),
      ).toEqual([
        `secretsmanager:GetSecretValue on ${prefixArn}`,
        `ssm:GetParameter on ${parameterArn}`,
      ]);
      expect(
        allows(
          p,
          roleId,
          'secretsmanager:GetSecretValue',
          `arn:aws:secretsmanager:${LOOK_ALIKE.region}:${LOOK_ALIKE.account}:secret:platform/other-AbCdEf`,
        ),
      ).toBe(false);
    }
  });
});
