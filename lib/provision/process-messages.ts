import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type AccountAccess, CredentialGuard } from '../accounts/index.ts';
import { mapConcurrent } from '../batch/index.ts';
import { type ConnectionCreated, parseConnectionCreated } from '../events/index.ts';
import { createBatchPublisher } from '../publish/index.ts';
import { classify, lastFailure } from '../retry/index.ts';
import { createExecutor } from './carry-out.ts';
import { recordOutcomes } from './outcome-metrics.ts';
import { connectionKey, createConnectionStep } from './provision-connection.ts';
import { connectionOutcome, messageFacts, settle, twinOutcome } from './settlement.ts';
import type {
  ConnectionOutcome,
  Invocation,
  MessageOutcome,
  ProvisionerDeps,
  QueueMessage,
  StepContext,
} from './types.ts';

/**
 * On a message's last delivery, another invocation's in-progress record must not end it
 * silently (if that invocation dies, its record expires and nobody publishes): the step is run
 * again, 250 ms apart doubling to 2 s, while the record is in progress and the budget allows,
 * until it finds the result (a duplicate) or takes the expired record over and does the work.
 * Out of time, the in-progress error is thrown for settlement.
 */
const runWaitingForOthers = async <T>(
  step: () => Promise<T>,
  budget: { deadline: number; signal?: AbortSignal | undefined; now?: () => number },
): Promise<T> => {
  const now = budget.now ?? Date.now;
  for (let waitMs = 250; ; waitMs = Math.min(2_000, waitMs * 2)) {
    try {
      return await step();
    } catch (error) {
      const inProgress = error instanceof IdempotencyAlreadyInProgressError;
      if (!inProgress || now() + waitMs >= budget.deadline || budget.signal?.aborted) throw error;
      await sleep(waitMs, undefined, budget.signal ? { signal: budget.signal } : {}).catch(
        () => undefined,
      );
    }
  }
};

/**
 * Handles one SQS batch: parses every body, creates each connection's monitor once, publishes
 * its "monitor created" event once, acknowledges messages that announce no new connection, and
 * dead-letters what can never succeed, with the reason. Returns one outcome per message, in
 * order; those with status `retry-later` are the batch item failures. Connections that appear
 * in several messages of a batch share the first one's fate when their idempotency keys match.
 */
export const createProvisioner = (deps: ProvisionerDeps) => {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const provisionConnection = createConnectionStep(deps);
  const carryOut = createExecutor(deps);

  const factsOf = (message: QueueMessage) => messageFacts(message, config, now());

  return async (
    messages: readonly QueueMessage[],
    invocation: Invocation,
  ): Promise<MessageOutcome[]> => {
    const deadline = invocation.deadline - invocation.reserveForSettlementMs;
    const budget = { deadline, signal: invocation.signal };
    // One gate per account and invocation, each behind the fleet's breaker (see CredentialGuard).
    const gateOf = (deps.guard ?? new CredentialGuard()).invocation(budget, (account) => {
      log.warn('Huawei refused the credentials of an account; its calls stop', {
        account: account.spec.name,
        source: account.spec.source.kind,
        identity: account.credentials.identity(),
      });
      deps.metrics?.addMetric('HuaweiAuthFailures', MetricUnit.Count, 1);
    });
    const publisher = createBatchPublisher(deps.publisher, budget);

    /** One connection of a message, from its account to its event: its outcome, never thrown. */
    const processOne = async (
      message: QueueMessage,
      event: ConnectionCreated,
    ): Promise<ConnectionOutcome> => {
      const retries: string[] = [];
      const failed = (error: unknown): ConnectionOutcome => {
        const outcome = connectionOutcome(factsOf(message), event, error, retries, Math.random());
        if (outcome.status === 'retry-later') {
          // Throttling and another invocation's hold are expected waits; anything else says why.
          const cause = lastFailure(error);
          const expected =
            cause instanceof IdempotencyAlreadyInProgressError ||
            classify(cause).decision.category === 'throttled';
          log[expected ? 'info' : 'warn']('Connection left for redelivery', {
            messageId: message.messageId,
            vpnConnectionId: event.vpnConnectionId,
            reason: outcome.reason,
            holdSeconds: outcome.holdSeconds,
            ...(expected ? {} : { error: cause }),
          });
        }
        return outcome;
      };
      // The project picks the account, and so the key its calls are signed with.
      let account: AccountAccess;
      try {
        account = await deps.accounts.route(event);
      } catch (error) {
        return failed(error);
      }
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
        gate: gateOf(account),
        publisher,
        retry: {
          maxAttempts: config.huaweiMaxAttempts,
          deadline,
          attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
          backoff: config.huaweiBackoff,
          signal: invocation.signal,
          now,
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
        return failed(error);
      } finally {
        releasePublisher();
      }
    };

    const firsts = new Map<string, Promise<ConnectionOutcome>>();
    const defaults = { projectId: config.defaultProjectId, region: config.defaultRegion };

    // The first record goes ahead until it waits on the network: its idempotency write and the
    // breaker read reach DynamoDB before the other records' work is done (they would otherwise
    // interleave with it, step by step), and so does the invocation's lone first Huawei call.
    const firstOnItsWay = new Promise<void>((resolve) => setImmediate(resolve));
    const outcomes = await mapConcurrent(
      messages,
      config.recordConcurrency,
      async (message, index): Promise<MessageOutcome> => {
        if (index > 0) await firstOnItsWay;
        const parsed = parseConnectionCreated(message.body, defaults);
        if (parsed.kind === 'invalid') {
          const draft = {
            kind: 'invalid-input' as const,
            message: parsed.error.message,
            attempts: 0,
          };
          return carryOut(message, { do: 'dead-letter', draft }, []);
        }
        if (parsed.kind === 'ignored') {
          log.info('Message ignored: it announces no new VPN connection', {
            messageId: message.messageId,
            reason: parsed.reason,
            shape: parsed.shape,
          });
          return {
            messageId: message.messageId,
            status: 'ignored',
            reason: parsed.reason,
            connections: [],
            retries: [],
          };
        }
        // The same key as idempotency's: a reconcile message beside an ordinary event for the
        // same connection is not that event's twin, as it must not be its duplicate either.
        const parts = parsed.events.map((event) => {
          const key = connectionKey(event, message.origin);
          const first = firsts.get(key);
          if (first)
            return first.then((twin) => twinOutcome(factsOf(message), event.vpnConnectionId, twin));
          const outcome = processOne(message, event);
          firsts.set(key, outcome);
          return outcome;
        });
        const outcomes = await Promise.all(parts);
        return carryOut(message, settle(factsOf(message), outcomes), outcomes);
      },
    );
    if (deps.metrics) recordOutcomes(deps.metrics, outcomes);
    return outcomes;
  };
};
