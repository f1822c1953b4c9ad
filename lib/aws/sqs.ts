import type { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CLIENT_OPTIONS, type AwsEndpointSettings, endpointOptions } from './clients.ts';

/** What a writer asks of SQS: to send commands (the promise form of `SQSClient.send`). */
export type SqsSender = Pick<SQSClient, 'send'>;

/** An SQS client as this project uses one: it sends commands, and an operator command closes it. */
export type SqsClient = Pick<SQSClient, 'send' | 'destroy'>;

/**
 * An SQS client: in Lambda with no settings (the SDK picks up `AWS_REGION`, credentials and
 * `AWS_ENDPOINT_URL_SQS`), for the operator commands with `--region` and `--endpoint` applied.
 * The SDK is loaded on the first call (a failed load is tried again on the next): createMonitor
 * writes to SQS on failure paths only (a dead letter, a postponement, a delayed copy), so a cold
 * start that meets none never reads, parses or builds the SQS client (the build puts it in a
 * chunk of its own; a static import here would put it on every cold start of every function
 * that reads this folder's face). Only the promise form of `send` is supported.
 */
export const createSqsClient = (settings: AwsEndpointSettings = {}): SqsClient => {
  let client: SQSClient | undefined;
  const send = async (...[command, options]: Parameters<SQSClient['send']>) => {
    const sdk = await import('@aws-sdk/client-sqs');
    client ??= new sdk.SQSClient({ ...AWS_CLIENT_OPTIONS, ...endpointOptions(settings) });
    return client.send(command, options as Parameters<SQSClient['send']>[1]);
  };
  return { send: send as SQSClient['send'], destroy: () => client?.destroy() };
};
