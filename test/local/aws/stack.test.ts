import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalAwsStack, startLocalAwsStack } from '../../../local/aws/stack.ts';

describe('startLocalAwsStack', () => {
  let stack: LocalAwsStack;

  beforeAll(async () => {
    stack = await startLocalAwsStack({ tableName: 'idempotency', sqs: { maxReceiveCount: 5 } });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('starts every stand-in on the loopback interface', () => {
    // Assess
    for (const endpoint of [
      stack.sqs.endpoint,
      stack.dynamoDb.endpoint,
      stack.eventBridge.endpoint,
    ]) {
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(stack.region).toBe('eu-west-1');
    expect(stack.sqs.queueArn).toBe('arn:aws:sqs:eu-west-1:000000000000:vpn-connection-created');
    expect(stack.dynamoDb.tableName).toBe('idempotency');
  });

  it('hands out clients that reach each stand-in', async () => {
    // Act
    const { MessageId } = await stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.sqs.queueUrl, MessageBody: 'hello' }),
    );
    await stack.clients.dynamodb.send(
      new PutItemCommand({ TableName: 'idempotency', Item: { id: { S: 'k' } } }),
    );
    const { Item } = await stack.clients.dynamodb.send(
      new GetItemCommand({ TableName: 'idempotency', Key: { id: { S: 'k' } } }),
    );
    const put = await stack.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [{ Source: 'test', DetailType: 'Ping', Detail: '{"ping":1}' }],
      }),
    );

    // Assess
    expect(MessageId).toBeDefined();
    expect(Item).toEqual({ id: { S: 'k' } });
    expect(put.FailedEntryCount).toBe(0);
    expect(stack.eventBridge.events()).toEqual([expect.objectContaining({ detail: { ping: 1 } })]);
  });

  it('passes the SQS options through', async () => {
    // Act
    const { Attributes } = await stack.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.sqs.queueUrl,
        AttributeNames: ['RedrivePolicy'],
      }),
    );

    // Assess
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 5 });
  });

  it('gives environment variables that point clients built without an endpoint at the stack', async () => {
    // Prepare
    for (const [name, value] of Object.entries(stack.environment)) vi.stubEnv(name, value);
    const sqs = new SQSClient({});
    const dynamodb = new DynamoDBClient({});
    const eventBridge = new EventBridgeClient({});

    // Act
    const results = await Promise.all([
      sqs.send(new ListQueuesCommand({})),
      dynamodb.send(new GetItemCommand({ TableName: 'idempotency', Key: { id: { S: 'none' } } })),
      eventBridge.send(
        new PutEventsCommand({ Entries: [{ Source: 'env', DetailType: 'Ping', Detail: '{}' }] }),
      ),
    ]);
    for (const client of [sqs, dynamodb, eventBridge]) client.destroy();

    // Assess
    expect(results.map((r) => r.$metadata.httpStatusCode)).toEqual([200, 200, 200]);
    expect(stack.eventBridge.events().map((e) => e.source)).toContain('env');
  });
});
