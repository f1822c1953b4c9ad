import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The CloudFormation template `serverless package` writes, and a small evaluator of its
 * intrinsic functions: conditions are decided from the literal values the stage's parameters
 * put in them, and references become look-alike names, URLs and ARNs built the way AWS builds
 * them, so assertions and the CI smoke test read plain strings. Used by test/infra and .ci/run.
 */

/** One resource of the template. */
export interface TemplateResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties?: Record<string, unknown>;
}

/** The parts of a template this project reads. */
export interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Condition?: string; Value: unknown }>;
}

/** The account, region and partition the look-alike values are built in. */
export const LOOK_ALIKE = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };

/** Packages the service for `stage` into `dir` (no AWS account needed), as CI does. */
export const packageService = (stage: string, dir: string, params: string[] = []): void => {
  execFileSync(
    'npx',
    [
      '--no',
      '--',
      'serverless',
      'package',
      '--stage',
      stage,
      '--package',
      dir,
      ...params.map((param) => `--param=${param}`),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NPM_CONFIG_UPDATE_NOTIFIER: 'false',
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
    },
  );
};

/** Reads the update-stack template of a package directory. */
export const readTemplate = (dir: string): Template =>
  JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));

/** What `{"Ref": "AWS::NoValue"}` resolves to: the property or list item disappears. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown, where: string): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new Error(`${where}: expected a plain value, got ${JSON.stringify(value)}`);
};

/** Decides the template's conditions and resolves its values, for one set of parameters. */
export interface Evaluator {
  /** Whether a named condition holds. */
  condition(name: string): boolean;
  /** Whether a resource is created (it has no condition, or its condition holds). */
  exists(logicalId: string): boolean;
  /** The value with every intrinsic function applied; `NO_VALUE` where it disappears. */
  resolve(value: unknown): unknown;
  /** The value resolved, which must be a string. */
  resolveText(value: unknown): string;
}

/** Builds the {@link Evaluator} of a template. */
export const evaluate = (template: Template): Evaluator => {
  const { account, region, partition } = LOOK_ALIKE;
  const arn = (service: string, resource: string, inRegion = region) =>
    `arn:${partition}:${service}:${inRegion}:${account}:${resource}`;

  const resource = (logicalId: string): TemplateResource => {
    const found = template.Resources[logicalId];
    if (found === undefined) throw new Error(`no resource ${logicalId}`);
    if (!exists(logicalId)) {
      throw new Error(`${logicalId} is referenced, but its condition ${found.Condition} is false`);
    }
    return found;
  };

  const property = (logicalId: string, name: string): string => {
    const value = resource(logicalId).Properties?.[name];
    return resolveText(value);
  };

  const ref = (name: string): unknown => {
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'stack';
    }
    const { Type } = resource(name);
    switch (Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${property(name, 'QueueName')}`;
      case 'AWS::SecretsManager::Secret':
        return arn('secretsmanager', `secret:${property(name, 'Name')}-AbCdEf`);
      case 'AWS::SNS::Topic':
        return arn('sns', property(name, 'TopicName'));
      case 'AWS::DynamoDB::Table':
        return property(name, 'TableName');
      case 'AWS::Events::EventBus':
        return property(name, 'Name');
      case 'AWS::Lambda::Function':
        return property(name, 'FunctionName');
      case 'AWS::Logs::LogGroup':
        return property(name, 'LogGroupName');
      case 'AWS::IAM::Role':
        return name;
      case 'AWS::ApiGatewayV2::Api':
        // An API id: 10 lowercase letters and digits.
        return 'a1b2c3d4e5';
      case 'AWS::ApiGatewayV2::Integration':
        return 'int0001';
      default:
        throw new Error(`no look-alike Ref for ${name} (${Type})`);
    }
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const { Type } = resource(logicalId);
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::SQS::Queue.Arn':
        return arn('sqs', property(logicalId, 'QueueName'));
      case 'AWS::SQS::Queue.QueueName':
        return property(logicalId, 'QueueName');
      case 'AWS::DynamoDB::Table.Arn':
        return arn('dynamodb', `table/${property(logicalId, 'TableName')}`);
      case 'AWS::Events::EventBus.Arn':
        return arn('events', `event-bus/${property(logicalId, 'Name')}`);
      case 'AWS::Logs::LogGroup.Arn':
        // CloudFormation's Arn of a log group ends in ":*", covering its log streams.
        return arn('logs', `log-group:${property(logicalId, 'LogGroupName')}:*`);
      case 'AWS::Lambda::Function.Arn':
        return arn('lambda', `function:${property(logicalId, 'FunctionName')}`);
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${account}:role/${logicalId}`;
      default:
        throw new Error(`no look-alike Fn::GetAtt for ${logicalId}.${attribute} (${key})`);
    }
  };

  const sub = (pattern: string): string =>
    pattern.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const [logicalId, attribute] = name.split('.');
      if (logicalId === undefined) throw new Error(`bad Fn::Sub variable in ${pattern}`);
      return attribute === undefined ? text(ref(logicalId), pattern) : getAtt(logicalId, attribute);
    });

  const decisions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    const known = decisions.get(name);
    if (known !== undefined) return known;
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new Error(`no condition ${name}`);
    const decided = decide(definition);
    decisions.set(name, decided);
    return decided;
  };

  const decide = (definition: unknown): boolean => {
    if (!isRecord(definition)) throw new Error(`bad condition ${JSON.stringify(definition)}`);
    const [[fn, args] = []] = Object.entries(definition);
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Condition':
        return condition(text(args, 'Condition'));
      case 'Fn::Equals':
        // CloudFormation compares scalars as strings: true equals "true".
        return resolveText(list[0]) === resolveText(list[1]);
      case 'Fn::Not':
        return !decide(list[0]);
      case 'Fn::And':
        return list.every(decide);
      case 'Fn::Or':
        return list.some(decide);
      default:
        throw new Error(`unsupported condition function ${fn}`);
    }
  };

  const exists = (logicalId: string): boolean => {
    const found = template.Resources[logicalId];
    return found !== undefined && (found.Condition === undefined || condition(found.Condition));
  };

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(resolve).filter((item) => item !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only !== undefined) {
      const [fn, args] = only;
      const list: unknown[] = Array.isArray(args) ? args : [];
      switch (fn) {
        case 'Ref':
          return ref(text(args, 'Ref'));
        case 'Fn::GetAtt':
          return getAtt(text(list[0], fn), text(list[1], fn));
        case 'Fn::Sub':
          return sub(text(args, fn));
        case 'Fn::If':
          return resolve(condition(text(list[0], fn)) ? list[1] : list[2]);
        case 'Fn::Select': {
          const from = resolve(list[1]);
          if (!Array.isArray(from)) throw new Error('Fn::Select needs a list');
          return from[Number(resolve(list[0]))];
        }
        case 'Fn::Split':
          return resolveText(list[1]).split(resolveText(list[0]));
        case 'Fn::Join': {
          const items = resolve(list[1]);
          if (!Array.isArray(items)) throw new Error('Fn::Join needs a list');
          return items.map((item) => text(item, fn)).join(resolveText(list[0]));
        }
      }
      if (fn.startsWith('Fn::')) throw new Error(`unsupported intrinsic function ${fn}`);
    }
    return Object.fromEntries(
      entries
        .map(([key, item]) => [key, resolve(item)] as const)
        .filter(([, item]) => item !== NO_VALUE),
    );
  };

  const resolveText = (value: unknown): string => text(resolve(value), JSON.stringify(value));

  return { condition, exists, resolve, resolveText };
};

/** The Lambda functions of the template, by logical id. */
export const lambdaFunctions = (template: Template): [string, TemplateResource][] =>
  Object.entries(template.Resources).filter(([, { Type }]) => Type === 'AWS::Lambda::Function');
