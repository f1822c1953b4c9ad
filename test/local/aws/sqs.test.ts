import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';

describe('startSqs', () => {
  let sqs: LocalSqs;
  let client: SQSClient;

  const receiveOne = async (queueUrl: string, waitSeconds = 0): Promise<Message | undefined> => {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages?.[0];
  };

  beforeAll(async () => {
    sqs = await startSqs({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: sqs.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await sqs.stop();
  });

  it('hands out loopback URLs that the SDK can use, with the redrive policy in place', async () => {
    // Act
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['All'] }),
    );

    // Assess
    expect(sqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sqs.queueUrl).toBe(`${sqs.endpoint}/000000000000/vpn-connection-created`);
    expect(sqs.dlqUrl).toBe(`${sqs.endpoint}/000000000000/vpn-connection-created-dlq`);
    expect(Attributes?.QueueArn).toBe(sqs.queueArn);
    expect(Attributes?.VisibilityTimeout).toBe('1');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: sqs.dlqArn,
      maxReceiveCount: 2,
    });
  });

  it('moves a message to the DLQ on the receive after maxReceiveCount', async () => {
    // Prepare
    const { MessageId } = await client.send(
      new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: '{"poison":true}' }),
    );
    const counts: Array<string | undefined> = [];
    for (let receive = 0; receive < 2; receive += 1) {
      const message = await receiveOne(sqs.queueUrl);
      counts.push(message?.Attributes?.ApproximateReceiveCount);
      // Visible again at once, instead of waiting for the visibility timeout.
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: sqs.queueUrl,
          ReceiptHandle: message?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }

    // Act
    const third = await receiveOne(sqs.queueUrl);
    const dead = await receiveOne(sqs.dlqUrl);

    // Assess
    expect(counts).toEqual(['1', '2']);
    expect(third).toBeUndefined();
    expect(dead?.MessageId).toBe(MessageId);
    expect(dead?.Body).toBe('{"poison":true}');
  });

  it('makes a message that was not deleted visible again after the visibility timeout', async () => {
    // Prepare
    await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: 'again' }));
    const first = await receiveOne(sqs.queueUrl);

    // Act
    const whileHidden = await receiveOne(sqs.queueUrl);
    const afterTimeout = await receiveOne(sqs.queueUrl, 5);

    // Assess
    expect(first?.Body).toBe('again');
    expect(whileHidden).toBeUndefined();
    expect(afterTimeout?.MessageId).toBe(first?.MessageId);
    expect(afterTimeout?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('refuses a visibility timeout that is not whole seconds, as SQS does', async () => {
    // Act
    const starting = startSqs({ visibilityTimeoutSeconds: 0.5 });

    // Assess
    await expect(starting).rejects.toThrow(/visibilityTimeoutSeconds must be a whole number/);
  });
});
