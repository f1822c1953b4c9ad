import type { AccountRegistry, CredentialGate, CredentialGuard } from '../accounts/index.ts';
import type { InvocationBudget, SqsSender } from '../aws/index.ts';
import type { Config } from '../config/index.ts';
import type { ConnectionNotReadyError } from '../errors.ts';
import type { HuaweiVpnClient } from '../huawei/index.ts';
import type { Idempotency } from '../idempotency/index.ts';
import type { Log } from '../log.ts';
import type { MetricsSink } from '../metrics.ts';
import type { BatchPublisher, PublisherOptions } from '../publish/index.ts';
import type { FailureReason, MessageOrigin, SourceMessage } from '../queue/index.ts';
import type { RetryOptions } from '../retry/index.ts';

/** A queue message as this project needs it; the handler maps Lambda's record to it. */
export interface QueueMessage extends SourceMessage {
  /** How many times SQS has delivered it, this time included. */
  receiveCount: number;
  /** When it was sent to the queue (SQS's `SentTimestamp`), epoch milliseconds. */
  sentAt?: number | undefined;
  /** Where the message came from and how to address it there, to postpone it. */
  queueUrl?: string | undefined;
  receiptHandle?: string | undefined;
  /** Set when a reconcile run queued the message: it then gets its own idempotency record. */
  origin?: MessageOrigin | undefined;
}

/** The invocation's budget (from the Lambda context) and its id. */
export type Invocation = InvocationBudget & { requestId: string };

/**
 * What became of one connection of a message: `created` / `already_existed` (its event was
 * published now), `duplicate` (handled before: nothing published again), `dead-lettered`,
 * `not-ready` (Huawei's state says wait), or `retry-later` (SQS redelivers the message).
 */
export interface ConnectionOutcome {
  messageId: string;
  status:
    | 'created'
    | 'already_existed'
    | 'duplicate'
    | 'dead-lettered'
    | 'not-ready'
    | 'retry-later';
  vpnConnectionId?: string | undefined;
  /** Why it was left for redelivery. */
  reason?: string | undefined;
  failure?: FailureReason | undefined;
  /**
   * Set on a `retry-later` that must not burn the message's last delivery (throttling): the
   * message is sent again as a copy delayed this long instead.
   */
  requeueAfterSeconds?: number | undefined;
  /** Set on a `retry-later` worth holding back this long (throttled, a breaker's probe time). */
  holdSeconds?: number | undefined;
  /** The reason class of each retry made in this invocation (`throttled`, `network`...). */
  retries: readonly string[];
  notReady?: ConnectionNotReadyError | undefined;
}

/**
 * What became of one message (as `settle` decides it): the worst of its connections' outcomes,
 * never `not-ready` (a delayed copy is sent: `postponed`, or it is given up), or `ignored`:
 * well-formed, announcing no new connection, acknowledged with `reason`. `connections` is
 * empty for an ignored message and for invalid input; `vpnConnectionId` is the first's.
 */
export interface MessageOutcome extends Omit<ConnectionOutcome, 'status' | 'notReady'> {
  status: ConnectionOutcome['status'] | 'postponed' | 'ignored';
  connections: readonly ConnectionOutcome[];
  /** For `postponed`: in how many seconds the copy comes back. */
  delaySeconds?: number | undefined;
}

/** Everything the provisioner uses, built once per container. */
export interface ProvisionerDeps {
  config: Config;
  client: HuaweiVpnClient;
  accounts: AccountRegistry;
  sqs: SqsSender;
  publisher: PublisherOptions;
  idempotency: Idempotency;
  /** The credential guard, with the fleet's breaker; without one, each invocation only guards itself. */
  guard?: CredentialGuard | undefined;
  log: Log;
  /** Where counts go (Powertools Metrics in Lambda); none in tests that do not look. */
  metrics?: MetricsSink | undefined;
  /** The clock of waits and grace periods, epoch milliseconds; tests pass their own. */
  now?: () => number;
}

/** What one message's steps share within an invocation. */
export interface StepContext {
  invocationId: string;
  /** The invocation's "monitor created" publisher: one PutEvents for the batch's events. */
  publisher: BatchPublisher;
  retry: RetryOptions;
  gate: CredentialGate;
}
