import { randomUUID } from 'node:crypto';
import {
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributesBytes,
  DEAD_LETTER_QUEUE_MAX_BYTES,
  SOURCE_QUEUE_MAX_BYTES_LIMIT,
} from '../../lib/aws/sqs-limits.ts';
import {
  FAILURE_ATTRIBUTE,
  type FailureReason,
  readFailureReason,
  sendToDeadLetterQueue,
} from '../../lib/queue/index.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/loopback.ts';
import { type LocalSqs, startSqs } from '../../local/aws/sqs.ts';

// The dead-letter writer against the SQS emulator, its queues sized as serverless.yml sizes
// them (source 256 KiB, DLQ 1 MiB): whatever the source queue can hold reaches the DLQ with
// its reason.

let queues: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  queues = await startSqs();
  sqs = new SQSClient({
    endpoint: queues.endpoint,
    region: queues.region,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  sqs?.destroy();
  await queues?.stop();
});

/** A reason whose message is long and multi-byte: the whole of it needs well over 1 KiB. */
const longReason = (messageId: string, vpnConnectionId: string = randomUUID()): FailureReason => ({
  kind: 'rejected',
  message: `monitor refused (connection ACTIVE): ${'é'.repeat(3_000)}`,
  code: 'VPN.0001',
  status: 400,
  request_id: randomUUID(),
  connection_status: 'ACTIVE',
  attempts: 2,
  receive_count: 3,
  source_message_id: messageId,
  vpn_connection_id: vpnConnectionId,
  project_id: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
  failed_at: new Date().toISOString(),
});

/** A JSON body of exactly `bytes` UTF-8 bytes. */
const bodyOf = (bytes: number): string => {
  const shell = JSON.stringify({ vpn_connection_id: randomUUID(), padding: '' });
  return shell.replace('"padding":""', `"padding":"${'x'.repeat(bytes - shell.length)}"`);
};

/** Nine attributes of the source message, as a producer may set them. */
const NINE_ATTRIBUTES: Record<string, MessageAttributeValue> = Object.fromEntries(
  Array.from({ length: 9 }, (_, i) => [
    `producer_${i}`,
    { DataType: 'String', StringValue: `value-${i}` },
  ]),
);

const receiveOne = async () => {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queues.dlqUrl,
      MaxNumberOfMessages: 1,
      MessageAttributeNames: ['All'],
      VisibilityTimeout: 60,
    }),
  );
  const message = out.Messages?.[0];
  expect(message).toBeDefined();
  return message;
};

describe('sendToDeadLetterQueue', () => {
  it('keeps the whole reason and every attribute of a message at the source queue size', async () => {
    // Prepare: body and attributes at exactly the source queue's 256 KiB, accepted there
    const attributesSize = attributesBytes(NINE_ATTRIBUTES);
    const body = bodyOf(256 * 1024 - attributesSize);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: body,
        MessageAttributes: NINE_ATTRIBUTES,
      }),
    );
    const messageId = randomUUID();
    const reason = longReason(messageId);
    // Act
    await sendToDeadLetterQueue(
      sqs,
      queues.dlqUrl,
      { messageId, body, messageAttributes: NINE_ATTRIBUTES },
      reason,
    );
    // Assess
    const message = await receiveOne();
    expect(message?.Body).toBe(body);
    expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual(
      [...Object.keys(NINE_ATTRIBUTES), FAILURE_ATTRIBUTE].sort(),
    );
    const stored = readFailureReason(message?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue);
    expect(stored).toEqual({ ...reason, message: reason.message.slice(0, 1024) });
  });

  it('keeps a shortened reason beside a body at exactly the highest source queue size', async () => {
    // Prepare: the largest body the source queue may ever be sized for
    const body = bodyOf(SOURCE_QUEUE_MAX_BYTES_LIMIT);
    expect(Buffer.byteLength(body)).toBe(SOURCE_QUEUE_MAX_BYTES_LIMIT);
    const messageId = randomUUID();
    // Act
    await sendToDeadLetterQueue(
      sqs,
      queues.dlqUrl,
      { messageId, body, messageAttributes: NINE_ATTRIBUTES },
      longReason(messageId),
    );
    // Assess: the body whole, the reason readable, shortened, within the DLQ's 1 MiB
    const message = await receiveOne();
    expect(message?.Body).toBe(body);
    const raw = message?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue ?? '';
    expect(
      Buffer.byteLength(body) + attributesBytes(message?.MessageAttributes ?? {}),
    ).toBeLessThanOrEqual(DEAD_LETTER_QUEUE_MAX_BYTES);
    expect(readFailureReason(raw)).toMatchObject({
      kind: 'rejected',
      source_message_id: messageId,
      message: expect.stringMatching(/^monitor refused \(connection ACTIVE\): é+…$/),
    });
  });

  it('writes an id read from the escape \\uffff with a character SQS accepts', async () => {
    // Prepare: JSON.parse turned the escape into a raw U+FFFF, outside SQS's character set
    const odd = (JSON.parse('"\\uffff-connection"') as string) + '\ud800';
    const messageId = randomUUID();
    // Act
    await sendToDeadLetterQueue(
      sqs,
      queues.dlqUrl,
      { messageId, body: '{"vpn_connection_id":"\\uffff-connection"}', messageAttributes: {} },
      { ...longReason(messageId, odd), message: `invalid input: ${odd}` },
    );
    // Assess
    const raw = (await receiveOne())?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue ?? '';
    expect(raw).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(raw).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(readFailureReason(raw)).toMatchObject({
      vpn_connection_id: '\ufffd-connection\ufffd',
      message: 'invalid input: \ufffd-connection\ufffd',
    });
  });
});
