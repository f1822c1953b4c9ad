import { randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FailureReason, sendToDeadLetterQueue } from '../../../lib/queue/index.ts';
import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';

/** The project and region of every seeded message. */
const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const REGION = 'cn-north-4';

/** An SDK client for a local SQS endpoint. */
export const sqsClient = (endpoint: string, region = 'eu-west-1'): SQSClient =>
  new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });

/** The plain body of a "VPN connection created" message. */
export const plainBody = (vpnConnectionId: string): string =>
  JSON.stringify({ vpn_connection_id: vpnConnectionId, project_id: PROJECT_ID, region: REGION });

/** What to put in the DLQ: a connection, and why it failed (none: moved by SQS redrive). */
export interface DeadLetterSeed {
  connection?: string;
  body?: string;
  failure?: Partial<FailureReason>;
  attributes?: Record<string, MessageAttributeValue>;
}

/**
 * Puts a message in the DLQ the way the project does: through `sendToDeadLetterQueue`, with the
 * `vpn_monitor_failure` attribute; without `failure`, as SQS's own redrive leaves it (no reason).
 * Resolves with the connection id.
 */
export async function deadLetter(
  sqs: SQSClient,
  dlqUrl: string,
  seed: DeadLetterSeed = {},
): Promise<string> {
  const connection = seed.connection ?? randomUUID();
  const body = seed.body ?? plainBody(connection);
  const attributes = seed.attributes ?? {};
  if (seed.failure === undefined) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: body,
        MessageAttributes: attributes,
      }),
    );
    return connection;
  }
  const messageId = randomUUID();
  await sendToDeadLetterQueue(
    sqs,
    dlqUrl,
    { messageId, body, messageAttributes: attributes },
    {
      kind: 'retries-exhausted',
      message:
        'Huawei VPN API create failed with HTTP 401 APIGW.0301: Incorrect IAM authentication information',
      code: 'APIGW.0301',
      status: 401,
      attempts: 1,
      receive_count: 3,
      source_message_id: messageId,
      vpn_connection_id: connection,
      project_id: PROJECT_ID,
      failed_at: new Date().toISOString(),
      ...seed.failure,
    },
  );
  return connection;
}

/** Receives every visible message of a queue, keeping them invisible for a minute. */
export async function drain(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

/** The messages of a queue that can be received now, without receiving them. */
export async function visibleCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

/** The connection id of a plain body. */
export const connectionOf = (message: Message): string =>
  (JSON.parse(message.Body ?? '{}') as { vpn_connection_id: string }).vpn_connection_id;

/** The JSON of a string attribute of a message, or `undefined`. */
export const attributeJson = (
  message: Message,
  name: string,
): Record<string, unknown> | undefined => {
  const raw = message.MessageAttributes?.[name]?.StringValue;
  return raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>);
};
