import type { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CLIENT_OPTIONS } from './client-options.ts';

/** What createMonitor asks of SQS: to send commands (the promise form of `SQSClient.send`). */
export type SqsSender = Pick<SQSClient, 'send'>;

/**
 * An SQS client loaded on its first call: createMonitor writes to SQS only on failure paths
 * (a dead letter, a postponement, a delayed copy), so a cold start that meets none never reads,
 * parses or builds the SQS client (the build puts it in a chunk of its own). In Lambda with no
 * settings, like `createSqsClient()`. Only the promise form of `send` is supported.
 */
export const createLazySqsSender = (): SqsSender => {
  let client: Promise<SQSClient> | undefined;
  const load = (): Promise<SQSClient> => {
    client ??= import('@aws-sdk/client-sqs').then(
      (sdk) => new sdk.SQSClient(AWS_CLIENT_OPTIONS),
      (error: unknown) => {
        // A failed load is tried again on the next call, not remembered.
        client = undefined;
        throw error;
      },
    );
    return client;
  };
  const send = async (...[command, options]: Parameters<SQSClient['send']>) =>
    (await load()).send(command, options as Parameters<SQSClient['send']>[1]);
  return { send: send as SQSClient['send'] };
};
