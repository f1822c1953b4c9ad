/**
 * What an operator command needs to reach AWS, checked before any call, and what AWS's own
 * failures mean for the person at the keyboard: one line each, naming the fix.
 */

import { type AwsEndpointSettings, createDynamoDbClient } from '../lib/aws/index.ts';

/** A mistake in how a command was asked to reach AWS: shown as it is, exit status 2. */
export class AwsSettingsError extends Error {
  override name = 'AwsSettingsError';
}

// Every AWS partition's region names: a prefix, a direction, a number (eu-west-1, us-gov-west-1,
// cn-north-1, us-isob-east-1). A typo such as `mars-1` or `eu-west` is refused before any call.
const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

// https://sqs.eu-west-1.amazonaws.com/123/q, https://sqs.cn-north-1.amazonaws.com.cn/123/q and
// the legacy https://eu-west-1.queue.amazonaws.com/123/q.
const QUEUE_URL_REGION = [
  /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//,
  /^https:\/\/([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?\//,
];

/** The region an SQS queue URL names, if it is an AWS one. */
const regionOfQueueUrl = (url: string | undefined): string | undefined =>
  QUEUE_URL_REGION.map((pattern) => pattern.exec(url ?? '')?.[1]).find(Boolean);

/**
 * The region a command's AWS calls go to: `--region`, else the environment's (`AWS_REGION`,
 * `AWS_DEFAULT_REGION`), else the one a queue URL names; `undefined` leaves it to the SDK (the
 * profile's). Throws an {@link AwsSettingsError} for a region no AWS partition has.
 */
export const commandRegion = (
  flag: string | undefined,
  env: Record<string, string | undefined>,
  queueUrls: ReadonlyArray<string | undefined>,
): string | undefined => {
  if (flag !== undefined && !AWS_REGION.test(flag)) {
    throw new AwsSettingsError(
      `Unknown AWS region "${flag}" (--region): use one such as eu-west-1 or us-east-1 (aws ec2 describe-regions lists yours)`,
    );
  }
  return (
    flag ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    queueUrls.map(regionOfQueueUrl).find((region) => region !== undefined)
  );
};

const fieldOf = (error: unknown, field: string): string | undefined => {
  const value =
    typeof error === 'object' && error !== null
      ? (error as Record<string, unknown>)[field]
      : undefined;
  return typeof value === 'string' ? value : undefined;
};

/** The network error code of `error` or of its cause (`ENOTFOUND`, `ECONNREFUSED`...). */
const networkCode = (error: unknown): { code: string; host: string | undefined } | undefined => {
  for (let e = error, depth = 0; e !== undefined && depth < 4; depth++) {
    const code = fieldOf(e, 'code');
    if (
      code !== undefined &&
      /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(
        code,
      )
    ) {
      return { code, host: fieldOf(e, 'hostname') ?? fieldOf(e, 'address') };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
};

/**
 * One line for an AWS SDK failure a person can fix (no credentials, no region, an unreachable
 * host, expired credentials, an unknown queue); `undefined` for anything else, which the caller
 * reports as it is. `queues: false` (health, which has no queue and no `--endpoint`) leaves out
 * the fixes only a queue command has.
 */
export const explainAwsError = (
  error: unknown,
  { queues = true }: { queues?: boolean } = {},
): string | undefined => {
  const name = fieldOf(error, 'name') ?? '';
  const message = fieldOf(error, 'message') ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials found: set AWS_PROFILE to a profile (after aws sso login, or one made with aws configure), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (/Region is missing/i.test(message)) {
    return queues
      ? 'No AWS region: pass --region (e.g. --region eu-west-1), set AWS_REGION, or give the queue URL (https://sqs.<region>.amazonaws.com/...)'
      : 'No AWS region: pass --region (e.g. --region eu-west-1) or set AWS_REGION';
  }
  if (
    /^(ExpiredToken|ExpiredTokenException|TokenRefreshRequired)$/.test(name) ||
    /token.*expired/i.test(message)
  ) {
    return 'The AWS credentials have expired: run aws sso login (or refresh the profile), then try again';
  }
  if (/InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/.test(name)) {
    return 'AWS refused the credentials: check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (
    /QueueDoesNotExist|NonExistentQueue/.test(name) ||
    /NonExistentQueue|queue does not exist/i.test(message)
  ) {
    return `No such queue (${name}): check the queue URL (--dlq, --to, --queue) and that --region is the queue's region`;
  }
  const network = networkCode(error);
  if (network !== undefined) {
    return `Cannot reach ${network.host ?? 'the endpoint'} (${network.code}): check --region${queues ? ' or --endpoint' : ''}, and the network or proxy between here and AWS`;
  }
  return undefined;
};

/**
 * Resolves the region and credentials the command's AWS clients will sign with, before any call
 * (every client finds them the same way): a missing one is then one line, in
 * {@link explainAwsError}'s words, not every target's failure. Throws the SDK's own error.
 */
export const resolveAwsSettings = async (settings: AwsEndpointSettings): Promise<void> => {
  const client = createDynamoDbClient(settings);
  try {
    await client.config.region();
    await client.config.credentials();
  } finally {
    client.destroy();
  }
};
