import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { UnknownProjectError } from '../accounts/account-errors.ts';
import type { AccountAccess } from '../accounts/registry.ts';
import { mapConcurrent } from '../batch/map-concurrent.ts';
import { type ConnectionCreated, parseConnectionCreated } from '../events/parse.ts';
import { CredentialGate } from '../huawei/credential-gate.ts';
import { type BatchPublisher, createBatchPublisher } from '../publish/batch-publisher.ts';
import { runWaitingForOthers } from './last-delivery.ts';
import { createMessageSettlement, HANDLED, toDraft, withFacts } from './message-outcome.ts';
import { recordOutcomes } from './outcome-metrics.ts';
import { connectionKey, createConnectionStep } from './provision-connection.ts';
import { requeueCopy } from './requeue.ts';
import { createFailureSettlement, type DeadLetter } from './settle-failure.ts';
import type {
  ConnectionOutcome,
  Invocation,
  MessageOutcome,
  ProvisionerDeps,
  QueueMessage,
  StepContext,
} from './types.ts';
import { createConnectionWait } from './wait-for-connection.ts';

export type {
  ConnectionOutcome,
  Invocation,
  MessageOutcome,
  ProvisionerDeps,
  QueueMessage,
} from './types.ts';

/**
 * Handles one SQS batch: parses every body, creates each connection's monitor once, publishes
 * its "monitor created" event once, acknowledges messages that announce no new connection, and
 * dead-letters what can never succeed, with the reason. Returns one outcome per message, in
 * order; those with status `retry-later` are the batch item failures. Connections that appear
 * in several messages of a batch share the first one's fate when their idempotency keys match.
 */
export const createProvisioner = (deps: ProvisionerDeps) => {
  const { config, log } = deps;
  const provisionConnection = createConnectionStep(deps);
  const { settle, deadLetter } = createFailureSettlement(deps);

  // A connection that can never succeed is noted; its message goes to the DLQ once, after all
  // of its connections, so a batch-create trace is never dead-lettered twice.
  const noteDeadLetter: DeadLetter = async (message, draft, retries) => ({
    messageId: message.messageId,
    status: 'dead-lettered',
    vpnConnectionId: draft.vpn_connection_id,
    failure: withFacts(message, draft),
    retries,
  });

  const processOne = async (
    message: QueueMessage,
    event: ConnectionCreated,
    invocation: Invocation,
    gateOf: (account: AccountAccess) => CredentialGate,
    publisher: BatchPublisher,
  ): Promise<ConnectionOutcome> => {
    // The project picks the account, and so the key its calls are signed with.
    let account: AccountAccess;
    try {
      account = await deps.accounts.route(event);
    } catch (error) {
      if (error instanceof UnknownProjectError) {
        const draft = {
          kind: 'unknown-project' as const,
          message: error.message,
          attempts: 0,
          vpn_connection_id: event.vpnConnectionId,
          project_id: event.projectId,
        };
        return noteDeadLetter(message, draft, []);
      }
      return settle(message, event, error, [], noteDeadLetter);
    }
    const gate = gateOf(account);
    const retries: string[] = [];
    // The batch's events wait for the records still running, to share one PutEvents. A record
    // that has to retry stops being waited for: a fault on it must not hold up the others'
    // events; it publishes on its own when it is done.
    let awaitedByPublisher = true;
    const releasePublisher = (): void => {
      if (!awaitedByPublisher) return;
      awaitedByPublisher = false;
      publisher.end();
    };
    const ctx: StepContext = {
      invocationId: invocation.requestId,
      gate,
      publisher,
      retry: {
        maxAttempts: config.huaweiMaxAttempts,
        deadline: invocation.deadline - invocation.reserveForSettlementMs,
        attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
        backoff: config.huaweiBackoff,
        signal: invocation.signal,
        onRetry: ({ attempt, delayMs, decision }) => {
          releasePublisher();
          retries.push(decision.category);
          log.info('Retrying', {
            messageId: message.messageId,
            vpnConnectionId: event.vpnConnectionId,
            attempt,
            delayMs,
            reason: decision.reason,
          });
        },
      },
    };
    publisher.begin();
    try {
      const step = () => provisionConnection(message, event, ctx);
      const status =
        message.receiveCount >= config.maxReceiveCount
          ? await runWaitingForOthers(step, ctx.retry)
          : await step();
      return {
        messageId: message.messageId,
        status,
        vpnConnectionId: event.vpnConnectionId,
        retries,
      };
    } catch (error) {
      return settle(message, event, error, retries, noteDeadLetter);
    } finally {
      releasePublisher();
    }
  };

  /** A connection already being handled in this batch under the same key shares its fate. */
  const twinOf = async (
    message: QueueMessage,
    event: ConnectionCreated,
    first: Promise<ConnectionOutcome>,
  ): Promise<ConnectionOutcome> => {
    const twin = await first;
    const base = { messageId: message.messageId, vpnConnectionId: event.vpnConnectionId };
    // A not-ready twin's message waits in a delayed copy, which carries the connection on.
    if (HANDLED.includes(twin.status) || twin.status === 'not-ready')
      return { ...base, status: 'duplicate', retries: [] };
    if (twin.status === 'dead-lettered' && twin.failure) {
      return noteDeadLetter(message, toDraft(twin.failure), []);
    }
    return {
      ...base,
      status: 'retry-later',
      reason: twin.reason,
      requeueAfterSeconds: twin.requeueAfterSeconds,
      retries: [],
    };
  };

  const settleMessage = createMessageSettlement(
    deadLetter,
    createConnectionWait(deps, deadLetter),
    (message, seconds) => requeueCopy(deps.sqs, message, seconds),
  );

  return async (
    messages: readonly QueueMessage[],
    invocation: Invocation,
  ): Promise<MessageOutcome[]> => {
    // One gate per account: a refused key or agency stops that account's calls only. Each
    // gate asks the fleet's breaker about its account's credentials (one breaker item per
    // credentials identity, so one account's refusal never stops another's).
    const gates = new Map<string, CredentialGate>();
    const gateOf = (account: AccountAccess): CredentialGate => {
      let gate = gates.get(account.spec.name);
      if (gate === undefined) {
        gate = new CredentialGate(
          () => {
            account.credentials.refresh();
            log.warn('Huawei refused the credentials of an account; its calls stop', {
              account: account.spec.name,
              source: account.spec.source.kind,
              identity: account.credentials.identity(),
            });
            deps.metrics?.addMetric('HuaweiAuthFailures', MetricUnit.Count, 1);
          },
          deps.breaker?.session(
            {
              deadline: invocation.deadline - invocation.reserveForSettlementMs,
              signal: invocation.signal,
            },
            account.credentials,
            account.spec.source.kind !== 'environment',
          ),
        );
        gates.set(account.spec.name, gate);
      }
      return gate;
    };
    const publisher = createBatchPublisher(deps.publisher, {
      deadline: invocation.deadline - invocation.reserveForSettlementMs,
      signal: invocation.signal,
    });
    const firsts = new Map<string, Promise<ConnectionOutcome>>();
    const defaults = { projectId: config.defaultProjectId, region: config.defaultRegion };

    const outcomes = await mapConcurrent(
      messages,
      config.recordConcurrency,
      async (message): Promise<MessageOutcome> => {
        const parsed = parseConnectionCreated(message.body, defaults);
        if (parsed.kind === 'invalid') {
          const sent = await deadLetter(
            message,
            { kind: 'invalid-input', message: parsed.error.message, attempts: 0 },
            [],
          );
          return { ...sent, connections: [] };
        }
        if (parsed.kind === 'ignored') {
          log.info('Message ignored: it announces no new VPN connection', {
            messageId: message.messageId,
            reason: parsed.reason,
            shape: parsed.shape,
          });
          const { reason } = parsed;
          return {
            messageId: message.messageId,
            status: 'ignored',
            reason,
            connections: [],
            retries: [],
          };
        }
        // The same key as idempotency's: a reconcile message beside an ordinary event for the
        // same connection is not that event's twin, as it must not be its duplicate either.
        const parts = parsed.events.map((event) => {
          const key = connectionKey(event, message.origin);
          const first = firsts.get(key);
          if (first) return twinOf(message, event, first);
          const outcome = processOne(message, event, invocation, gateOf, publisher);
          firsts.set(key, outcome);
          return outcome;
        });
        return settleMessage(message, await Promise.all(parts));
      },
    );
    if (deps.metrics) recordOutcomes(deps.metrics, outcomes);
    return outcomes;
  };
};
