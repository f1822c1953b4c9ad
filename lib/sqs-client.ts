import { SQSClient } from '@aws-sdk/client-sqs';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An SQS client for the operator commands: the AWS SDK's defaults, with `--region` and
 * `--endpoint` applied. Emulators on a loopback address check no signature, so they get dummy
 * credentials; real AWS is never on a loopback address.
 */
export const createSqsClient = ({
  region,
  endpoint,
}: {
  region?: string;
  endpoint?: string;
}): SQSClient => {
  const local = endpoint !== undefined && LOOPBACK.has(new URL(endpoint).hostname);
  return new SQSClient({
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
};
