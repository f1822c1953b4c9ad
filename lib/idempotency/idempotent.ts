import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Powertools idempotency on DynamoDB (its default schema: `id`, `expiration`), keyed on the
 * request's `key` only, never on the SQS message id, so a redelivery, a replay or a duplicate
 * message all find the same record. `config` must be given the Lambda context at each
 * invocation (the handler's middleware does it) so an in-progress record expires with the
 * invocation that wrote it.
 */
export const createIdempotency = (options: {
  tableName: string;
  expiresAfterSeconds: number;
  client: DynamoDBClient;
}) => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: options.expiresAfterSeconds,
    throwOnNoIdempotencyKey: true,
  });
  return {
    config,
    /**
     * Wraps a step so that it runs at most once per key and step name: a repeat returns the
     * stored result; a failure deletes the in-progress record so the next delivery retries.
     * Each step gets its own persistence layer, whose prefix is the step name.
     */
    once: <A extends { key: string }, B, R>(
      step: string,
      fn: (request: A, context: B) => Promise<R>,
    ) =>
      makeIdempotent(fn, {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: options.tableName,
          awsSdkV3Client: options.client,
        }),
        config,
        keyPrefix: `vpn-monitor-provisioner.${step}`,
      }),
  };
};

/** The idempotency store of a container, as {@link createIdempotency} builds it. */
export type Idempotency = ReturnType<typeof createIdempotency>;
