import { randomBytes, randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type LocalHttpApi, startHttpApi } from '../../../local/aws/http-api.ts';
import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';
import {
  type LocalSecretsManager,
  startSecretsManager,
} from '../../../local/aws/secrets-manager.ts';
import { type LocalSqs, type StartSqsOptions, startSqs } from '../../../local/aws/sqs.ts';

/** The project and region the ingest tests announce connections in. */
export const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
export const REGION = 'cn-north-4';
export const TOKEN_SECRET_ID = 'vpn-monitor-provisioner/ingest-token';

/** A token as an operator would generate it: 32 random bytes, base64url. */
export const newToken = (): string => randomBytes(32).toString('base64url');

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** The ingest function served like an HTTP API, over fauxqs and a Secrets Manager stand-in. */
export interface IngestWorld {
  sqs: LocalSqs;
  secrets: LocalSecretsManager;
  api: LocalHttpApi;
  client: SQSClient;
  tokens: { current: string; previous: string };
  /** The queue the function sends to. */
  queueUrl: string;
  /** `<endpoint>/ingest`, to which `/<token>` may be added. */
  url: string;
  /** The bodies of every message on the queue (default: the one the function sends to). */
  drain(queueUrl?: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts the stand-ins, sets the ingest function's environment, imports the real handler (its
 * cold start) and serves it on `POST /ingest` and `POST /ingest/{token}`.
 */
export const startIngestWorld = async (
  options: {
    env?: Record<string, string>;
    sqs?: StartSqsOptions;
    /**
     * Once the emulator runs, points the function at another queue (SOURCE_QUEUE_URL) or another
     * SQS endpoint (AWS_ENDPOINT_URL_SQS), such as a proxy in front of the emulator.
     */
    target?: (sqs: LocalSqs) => Promise<{ queueUrl?: string; endpoint?: string }>;
  } = {},
): Promise<IngestWorld> => {
  const sqs = await startSqs({ visibilityTimeoutSeconds: 30, ...options.sqs });
  const target = options.target ? await options.target(sqs) : {};
  const queueUrl = target.queueUrl ?? sqs.queueUrl;
  const tokens = { current: newToken(), previous: newToken() };
  const secrets = await startSecretsManager({ [TOKEN_SECRET_ID]: JSON.stringify(tokens) });
  Object.assign(process.env, {
    AWS_REGION: sqs.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: target.endpoint ?? sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'ingest',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT',
    HUAWEICLOUD_REGION: REGION,
    HUAWEICLOUD_PROJECT_ID: PROJECT_ID,
    SOURCE_QUEUE_URL: queueUrl,
    INGEST_TOKEN_SECRET_ID: TOKEN_SECRET_ID,
    ...options.env,
  });
  const { handler } = (await import('../../../handlers/ingest.ts')) as { handler: Handler };
  const api = await startHttpApi({
    routes: [
      { method: 'POST', path: '/ingest' },
      { method: 'POST', path: '/ingest/{token}' },
    ],
    handler,
    functionName: 'ingest',
    region: sqs.region,
  });
  const client = new SQSClient({
    endpoint: sqs.endpoint,
    region: sqs.region,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    sqs,
    secrets,
    api,
    client,
    tokens,
    queueUrl,
    url: `${api.endpoint}/ingest`,
    drain: async (from = queueUrl) => {
      const bodies: string[] = [];
      for (;;) {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: from,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 300,
          }),
        );
        if (!out.Messages?.length) return bodies;
        bodies.push(...out.Messages.map((m) => m.Body ?? ''));
      }
    },
    stop: async () => {
      client.destroy();
      await api.stop();
      await secrets.stop();
      await sqs.stop();
    },
  };
};

/** A CloudEvents `data` holding a Cloud Trace trace of `createVpnConnection`. */
export const createTrace = (vpnConnectionId: string = randomUUID()) => ({
  trace_id: randomUUID(),
  trace_name: 'createVpnConnection',
  trace_type: 'ApiCall',
  service_type: 'VPN',
  resource_type: 'vpn-connection',
  resource_id: vpnConnectionId,
  project_id: PROJECT_ID,
  code: '201',
  response: JSON.stringify({ vpn_connection: { id: vpnConnectionId, status: 'PENDING_CREATE' } }),
  time: Date.now(),
});

/** The connection id a queued body announces (every test body carries a trace or plain fields). */
export const announcedId = (body: string): string => {
  const event = JSON.parse(body) as { data?: { resource_id?: string }; vpn_connection_id?: string };
  return event.data?.resource_id ?? event.vpn_connection_id ?? '';
};
