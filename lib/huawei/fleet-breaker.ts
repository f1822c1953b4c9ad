import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HuaweiSettings } from '../config.ts';
import { createDynamoBreakerStore } from './breaker-store.ts';
import { CredentialBreaker } from './credential-breaker.ts';

/** How often a container waiting for another's probe reads the breaker again. */
const POLL_MS = 250;
/** Refusals in a row after which nobody probes until the credentials change. */
const MAX_REFUSALS_IN_A_ROW = 3;

/**
 * The container's credential breaker on the idempotency table, with the production rules: a
 * probe lease outlasts one Huawei attempt by two seconds, the cool-down comes from the
 * configuration; the caller says per session whether its credentials can change.
 */
export const createFleetBreaker = (options: {
  config: Pick<HuaweiSettings, 'huaweiAttemptTimeoutMs' | 'breakerCooldownMs'>;
  client: DynamoDBClient;
  tableName: string;
  ttlSeconds: number;
  onStoreError?: (error: unknown) => void;
}): CredentialBreaker =>
  new CredentialBreaker({
    store: createDynamoBreakerStore(options),
    settings: {
      cooldownMs: options.config.breakerCooldownMs,
      maxRefusalsInARow: MAX_REFUSALS_IN_A_ROW,
      leaseMs: options.config.huaweiAttemptTimeoutMs + 2_000,
      pollMs: POLL_MS,
    },
    ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
  });
