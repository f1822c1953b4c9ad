// Checks the stage's parameters (serverless.yml `params`, overridden by `--param`) when the stack
// is packaged, so that a deploy is refused before anything reaches AWS: one line per bad
// parameter, each naming what to set. Plain CommonJS: osls loads local plugins with require(),
// before any TypeScript runs. Listed under `plugins` in serverless.yml; `deploy` packages first,
// so it checks too.

const SWITCH = /^(true|false)$/;
const PROJECT_ID = /^[0-9a-f]{32}$/;
const HUAWEI_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:.+$/;
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/;
const SCHEDULE = /^(rate|cron)\(.+\)$/;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
// CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** A parameter's text; null, undefined and "" all mean "not set". */
const text = (value) => (value === null || value === undefined ? '' : String(value).trim());

const isInteger = (value, min, max) => {
  const s = text(value);
  return /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max;
};

const listOf = (value) =>
  text(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * The problems of a stage's effective parameters, one line each, naming the parameter and what
 * to set it to; an empty list when the stage can be deployed.
 * @param {Record<string, unknown>} params the stage's parameters after `--param` overrides
 * @returns {string[]}
 */
const checkParams = (params) => {
  const problems = [];
  const bad = (name, fix) => problems.push(`${name}: ${fix}`);

  const integers = {
    batchSize: [1, 10000],
    maximumBatchingWindow: [0, 300],
    maximumConcurrency: [2, 1000],
    maxReceiveCount: [1, 1000],
    // SQS's 1 KiB floor; at most the DLQ's 1 MiB less the 1 KiB kept for the failure reason.
    sourceQueueMaxMessageBytes: [1024, 1047552],
    notReadyDelaySeconds: [0, 900],
    notReadyMaxWaitSeconds: [0, 86400],
    notFoundGraceSeconds: [0, 86400],
    webIdentityMaxDurationSeconds: [60, 3600],
    eventArchiveRetentionDays: [0, 36500],
    oldestMessageAlarmSeconds: [60, 1209600],
    ingestThrottlingRate: [1, 10000],
    ingestThrottlingBurst: [1, 5000],
    ingestMaxBodyBytes: [1, 10485760],
  };
  for (const [name, [min, max]] of Object.entries(integers)) {
    if (name in params && !isInteger(params[name], min, max)) {
      bad(name, `is "${text(params[name])}": set a whole number from ${min} to ${max}`);
    }
  }
  if (
    'logRetentionInDays' in params &&
    !LOG_RETENTION_DAYS.includes(Number(params.logRetentionInDays))
  ) {
    bad(
      'logRetentionInDays',
      `is "${text(params.logRetentionInDays)}": set one of CloudWatch's periods (7, 14, 30, 90, 365...)`,
    );
  }
  if ('logLevel' in params && !LOG_LEVELS.includes(text(params.logLevel))) {
    bad('logLevel', `is "${text(params.logLevel)}": set one of ${LOG_LEVELS.join(', ')}`);
  }
  for (const name of [
    'tracing',
    'eventArchive',
    'tableDeletionProtection',
    'reconcileDeleteOrphans',
    'reconcileScheduleEnabled',
    'healthConnectionMetrics',
  ]) {
    if (name in params && !SWITCH.test(text(params[name]))) {
      bad(name, `is "${text(params[name])}": set "true" or "false"`);
    }
  }

  const region = text(params.huaweiRegion);
  if (!HUAWEI_REGION.test(region)) {
    bad(
      'huaweiRegion',
      `is "${region}": set a Huawei Cloud region such as cn-north-4 or eu-west-101`,
    );
  }
  const projectId = text(params.huaweiProjectId);
  if (projectId !== '' && !PROJECT_ID.test(projectId)) {
    bad(
      'huaweiProjectId',
      `is "${projectId}": set the project id, 32 hex characters (Huawei console, My Credentials, Projects)`,
    );
  }
  const targets = listOf(params.reconcileTargets);
  for (const target of targets) {
    const [project = '', targetRegion = '', ...rest] = target.split(':');
    if (!PROJECT_ID.test(project) || !HUAWEI_REGION.test(targetRegion) || rest.length > 0) {
      bad(
        'reconcileTargets',
        `"${target}" is not project_id:region: set e.g. 0123456789abcdef0123456789abcdef:cn-north-4`,
      );
    }
  }
  for (const smnRegion of listOf(params.smnConfirmRegions)) {
    if (!HUAWEI_REGION.test(smnRegion)) {
      bad(
        'smnConfirmRegions',
        `"${smnRegion}" is not a Huawei Cloud region: set e.g. cn-north-4,eu-west-101`,
      );
    }
  }
  // The same rule as the ingest function's config (SMN_TOPIC_URNS), so a mistyped URN is
  // refused here instead of stopping ingest at its cold start.
  for (const urn of listOf(params.smnTopicUrns)) {
    if (!/^urn:smn:[^:\s]+:[^:\s]+:[^:\s]+$/.test(urn)) {
      bad(
        'smnTopicUrns',
        `"${urn}" is not an SMN topic URN: set e.g. urn:smn:cn-north-4:<project id>:<topic name>`,
      );
    }
  }
  const accountsDocument = text(params.accountsDocumentParameter);
  if (accountsDocument !== '' && !/^\/[A-Za-z0-9_.\-/]+$/.test(accountsDocument)) {
    bad(
      'accountsDocumentParameter',
      `is "${accountsDocument}": set the SSM parameter's full name, starting with / (e.g. /vpn-monitor/accounts)`,
    );
  }
  const scheduled = text(params.reconcileScheduleEnabled ?? 'true') !== 'false';
  if (scheduled && projectId === '' && targets.length === 0 && accountsDocument === '') {
    bad(
      'reconcileTargets',
      'the scheduled reconcile has nothing to reconcile: set huaweiProjectId (reconciled in huaweiRegion) or reconcileTargets=project_id:region,..., or reconcileScheduleEnabled=false',
    );
  }
  if (scheduled && !SCHEDULE.test(text(params.reconcileSchedule))) {
    bad(
      'reconcileSchedule',
      `is "${text(params.reconcileSchedule)}": set an EventBridge schedule, rate(1 day) or cron(0 3 * * ? *)`,
    );
  }

  // The health function's (lib/health/health-config.ts checks the same again at cold start).
  if (scheduled && 'healthSchedule' in params && !SCHEDULE.test(text(params.healthSchedule))) {
    bad(
      'healthSchedule',
      `is "${text(params.healthSchedule)}": set an EventBridge schedule, rate(5 minutes) or cron(0/5 * * * ? *)`,
    );
  }
  const percents = ['healthDegradedLossPercent', 'healthDownLossPercent'];
  for (const name of percents) {
    const n = Number(text(params[name]));
    if (name in params && (text(params[name]) === '' || !(n >= 0 && n <= 100))) {
      bad(name, `is "${text(params[name])}": set a percentage from 0 to 100`);
    }
  }
  if (Number(text(params.healthDegradedLossPercent)) > Number(text(params.healthDownLossPercent))) {
    bad('healthDownLossPercent', 'is below healthDegradedLossPercent: set it at least as high');
  }
  if ('healthDegradedLatencyMs' in params && !isInteger(params.healthDegradedLatencyMs, 1, 5000)) {
    bad(
      'healthDegradedLatencyMs',
      `is "${text(params.healthDegradedLatencyMs)}": set a whole number of milliseconds from 1 to 5000`,
    );
  }
  if ('healthWindowMinutes' in params && !isInteger(params.healthWindowMinutes, 1, 60)) {
    bad(
      'healthWindowMinutes',
      `is "${text(params.healthWindowMinutes)}": set a whole number of minutes from 1 to 60`,
    );
  }
  if (
    'healthMetricSource' in params &&
    !['link', 'tunnel'].includes(text(params.healthMetricSource))
  ) {
    bad('healthMetricSource', `is "${text(params.healthMetricSource)}": set link or tunnel`);
  }

  const alarmTopic = text(params.alarmTopic);
  if (alarmTopic !== '' && alarmTopic !== 'create' && !SNS_ARN.test(alarmTopic)) {
    bad(
      'alarmTopic',
      `is "${alarmTopic}": set "create" (a new SNS topic), an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), or "" for none`,
    );
  }
  const secret = text(params.huaweiCredentialsSecret);
  if (secret.startsWith('arn:') && !SECRET_ARN.test(secret)) {
    bad(
      'huaweiCredentialsSecret',
      `is "${secret}": set a Secrets Manager secret's name or full ARN (arn:aws:secretsmanager:...:secret:...), or "" to create one`,
    );
  }
  const boundary = text(params.rolePermissionsBoundary);
  if (boundary !== '' && !POLICY_ARN.test(boundary)) {
    bad(
      'rolePermissionsBoundary',
      `is "${boundary}": set an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or ""`,
    );
  }
  const audience = text(params.webIdentityAudience);
  const secretsPrefix = text(params.accountSecretsPrefix);
  // With an accounts document and no secrets prefix, every account must be keyless (oidc): no
  // audience would leave the functions unable to get a token for any of them.
  if (accountsDocument !== '' && secretsPrefix === '' && audience === '') {
    bad(
      'webIdentityAudience',
      'is empty but accountsDocumentParameter grants no secrets (accountSecretsPrefix is ""), so every account is keyless: set the audience of your Huawei OIDC provider, or accountSecretsPrefix for static and agency accounts',
    );
  }
  return problems;
};

/**
 * The parameters serverless.yml gives a stage: `default`, then the stage's own, then each
 * `--param="name=value"` of the command line, as osls resolves `${param:...}`.
 * @param {Record<string, Record<string, unknown>>} declared serverless.yml's `params`
 * @param {string} stage
 * @param {string[] | string | undefined} cliParams the `--param` options
 * @returns {Record<string, unknown>}
 */
const effectiveParams = (declared, stage, cliParams) => {
  const fromCli = {};
  for (const item of [cliParams ?? []].flat()) {
    const at = item.indexOf('=');
    if (at > 0) fromCli[item.slice(0, at)] = item.slice(at + 1);
  }
  return { ...(declared.default ?? {}), ...(declared[stage] ?? {}), ...fromCli };
};

/** The osls plugin: runs checkParams before packaging and fails with its lines. */
class CheckParams {
  constructor(serverless, options) {
    const check = () => {
      const stage = options.stage ?? serverless.service.provider.stage ?? 'dev';
      const declared = serverless.configurationInput?.params ?? {};
      const problems = checkParams(effectiveParams(declared, stage, options.param));
      if (problems.length > 0) {
        throw new serverless.classes.Error(
          `Stage "${stage}" has parameters to fix before it can be deployed (serverless.yml params, or --param="name=value"; see docs/deploy.md):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
          'INVALID_STAGE_PARAMETERS',
        );
      }
    };
    this.hooks = { 'before:package:initialize': check };
  }
}

module.exports = CheckParams;
module.exports.checkParams = checkParams;
module.exports.effectiveParams = effectiveParams;
