import { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CLIENT_OPTIONS } from './client-options.ts';
import { type AwsEndpointSettings, endpointOptions } from './local-endpoint.ts';

/**
 * An SQS client: in Lambda with no settings (the SDK picks up `AWS_REGION`, credentials and
 * `AWS_ENDPOINT_URL_SQS`), for the operator commands with `--region` and `--endpoint` applied.
 */
export const createSqsClient = (settings: AwsEndpointSettings = {}): SQSClient =>
  new SQSClient({ ...AWS_CLIENT_OPTIONS, ...endpointOptions(settings) });
