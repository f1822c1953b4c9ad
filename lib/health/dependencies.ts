import { createFleetGuard, createHuaweiAccess } from '../accounts/index.ts';
import { createDynamoDbClient, createEventBridgeClient } from '../aws/index.ts';
import type { HealthConfig } from '../config/index.ts';
import {
  AdaptivePacer,
  cloudEyeEndpointResolver,
  DEFAULT_PACER_SETTINGS,
} from '../huawei/index.ts';
import { CloudEyeClient } from './cloud-eye.ts';
import type { HealthDeps } from './run-health.ts';
import { HealthStateStore } from './state-store.ts';

/**
 * Builds what a health run needs, once per container or command: the Huawei side as the
 * reconcile function has it (accounts, VPN client, the credential guard behind the fleet's
 * breaker, retry settings), a Cloud Eye client signed
 * with the same per-account keys and paced on its own (another service, another limit), the
 * state table and the bus. `withAws: false` (a command without AWS) keeps no state and
 * publishes nothing.
 */
export const createHealthDependencies = (
  config: HealthConfig,
  options: { withAws: boolean } = { withAws: true },
): HealthDeps & { cloudEye: CloudEyeClient; close(): Promise<void> } => {
  const access = createHuaweiAccess(config);
  const cloudEye = new CloudEyeClient({
    endpoint: cloudEyeEndpointResolver({ all: config.health.cloudEyeEndpoint }),
    credentials: { forTarget: (target) => access.accounts.forTarget(target) },
    attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
    pacer: new AdaptivePacer({ ...DEFAULT_PACER_SETTINGS, pauseMs: config.throttlePauseMs }),
  });
  const tableName = config.stateTableName;
  const dynamoDb = tableName === undefined ? undefined : createDynamoDbClient();
  const eventBridge = options.withAws ? createEventBridgeClient() : undefined;
  return {
    vpn: access.client,
    cloudEye,
    accounts: access.accounts,
    huawei: {
      maxAttempts: config.huaweiMaxAttempts,
      attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
      backoff: config.huaweiBackoff,
    },
    // The fleet's credential guard, in the same table: a refused key stops every function.
    guard:
      tableName === undefined || dynamoDb === undefined
        ? undefined
        : createFleetGuard({
            config,
            client: dynamoDb,
            tableName,
          }),
    store:
      !options.withAws || dynamoDb === undefined || tableName === undefined
        ? undefined
        : new HealthStateStore(dynamoDb, tableName),
    bus:
      eventBridge === undefined
        ? undefined
        : {
            client: eventBridge,
            eventBusName: config.health.eventBusName,
            source: config.health.eventSource,
          },
    settings: config.health,
    close: async () => {
      dynamoDb?.destroy();
      eventBridge?.destroy();
      await cloudEye.close();
      await access.close();
    },
  };
};
