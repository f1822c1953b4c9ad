import { createFleetGuard, createHuaweiAccess } from '../accounts/index.ts';
import { createDynamoDbClient, type SqsClient } from '../aws/index.ts';
import type { ReconcileConfig } from '../config/index.ts';
import type { ReconcileDeps } from './reconcile.ts';

/**
 * Builds what a run needs from its configuration, once per container (the Lambda) or per
 * command: the Huawei client and credentials, the SQS client given, and the retry settings.
 * With a breaker table, every Huawei call obeys the fleet's credential breaker, as createMonitor's
 * do. `close()` releases the client's keep-alive connections, so a command can exit.
 */
export const createReconcileDependencies = (
  config: ReconcileConfig,
  sqs: SqsClient,
): ReconcileDeps & { close(): Promise<void> } => {
  const access = createHuaweiAccess(config);
  const tableName = config.breakerTableName;
  const dynamoDb = tableName === undefined ? undefined : createDynamoDbClient();
  return {
    client: access.client,
    sqs,
    accounts: access.accounts,
    enqueueRate: config.enqueueRate,
    guard:
      tableName === undefined || dynamoDb === undefined
        ? undefined
        : createFleetGuard({
            config,
            client: dynamoDb,
            tableName,
          }),
    huawei: {
      maxAttempts: config.huaweiMaxAttempts,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
      backoff: config.huaweiBackoff,
    },
    close: async () => {
      dynamoDb?.destroy();
      await access.close();
    },
  };
};
