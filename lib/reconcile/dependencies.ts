import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ReconcileConfig } from '../config.ts';
import { createHuaweiAccess } from '../huawei/access.ts';
import type { ReconcileDeps } from './reconcile.ts';

/**
 * Builds what a run needs from its configuration, once per container (the Lambda) or per
 * command: the Huawei client and credentials, the SQS client given, and the retry settings.
 * `close()` releases the client's keep-alive connections, so a command can exit.
 */
export const createReconcileDependencies = (
  config: ReconcileConfig,
  sqs: SQSClient,
): ReconcileDeps & { close(): Promise<void> } => {
  const access = createHuaweiAccess(config);
  return {
    client: access.client,
    sqs,
    accounts: access.accounts,
    huawei: {
      maxAttempts: config.huaweiMaxAttempts,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
      backoff: config.huaweiBackoff,
    },
    close: () => access.close(),
  };
};
