import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_OPTIONS } from './client-options.ts';

/** The DynamoDB client of a function, once per container; the SDK finds region and endpoint. */
export const createDynamoDbClient = (): DynamoDBClient => new DynamoDBClient(AWS_CLIENT_OPTIONS);
