import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynamoDb } from '../../../local/aws/dynamodb.ts';

describe('startDynamoDb', () => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynamoDb({ tableName: 'idempotency' });
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  it('creates an active on-demand table keyed by the string id', async () => {
    // Act
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'idempotency' }));

    // Assess
    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('reads back an item it stored', async () => {
    // Prepare
    const item = {
      id: { S: 'createMonitor#abc' },
      expiration: { N: '1900000000' },
      status: { S: 'COMPLETED' },
    };

    // Act
    await client.send(new PutItemCommand({ TableName: 'idempotency', Item: item }));
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: 'idempotency',
        Key: { id: { S: 'createMonitor#abc' } },
        ConsistentRead: true,
      }),
    );

    // Assess
    expect(Item).toEqual(item);
  });

  it('refuses a conditional put on an existing id, as the idempotency layer relies on', async () => {
    // Prepare
    const put = () =>
      client.send(
        new PutItemCommand({
          TableName: 'idempotency',
          Item: { id: { S: 'createMonitor#once' }, status: { S: 'INPROGRESS' } },
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'id' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    await put();

    // Act
    const second = await put().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    // dynalite leaves out the old item (ALL_OLD); Powertools then reads it with GetItem.
    expect(second).toBeInstanceOf(ConditionalCheckFailedException);
  });
});
