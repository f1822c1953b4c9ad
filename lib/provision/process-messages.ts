import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { UnknownProjectError } from '../accounts/account-errors.ts';
import type { AccountAccess } from '../accounts/registry.ts';
import { mapConcurrent } from '../batch/map-concurrent.ts';
import { type ConnectionCreated, parseConnectionCreated } from '../events/parse.ts';
import { CredentialGate } from '../huawei/credential-gate.ts';
import { recordOutcomes } from '../metrics.ts';
import { connectionKey, createConnectionStep } from './provision-connection.ts';
import { createFailureSettlement, type ReasonDraft } from './settle-failure.ts';
import type {
  Invocation,
  MessageOutcome,
  ProvisionerDeps,
  QueueMessage,
  StepContext,
} from './types.ts';

export type { Invocation, MessageOutcome, ProvisionerDeps, QueueMessage } from './types.ts';

const HANDLED = new Set<MessageOutcome['status']>(['created', 'already_existed', 'duplicate']);

/**
 * Handles one SQS batch: parses every body, creates each connection's monitor once, publishes
 * its "monitor created" event once, and dead-letters what can never succeed, with the reason.
 * Returns one outcome per message, in order; those with status `retry-later` are the batch
 * item failures. Messages about the same connection in one batch share the first one's fate.
 */
export const createProvisioner = (deps: ProvisionerDeps) => {
  const { config, log } = deps;
  const margin = deps.safetyMarginMs ?? 1_000;
  const provisionConnection = createConnectionStep(deps);
  const { settle, deadLetter } = createFailureSettlement(deps);

  const processOne = async (
    message: QueueMessage,
    event: ConnectionCreated,
    invocation: Invocation,
    gate: CredentialGate,
  ): Promise<MessageOutcome> => {
    const retries: string[] = [];
    const ctx: StepContext = {
      invocationId: invocation.requestId,
      gate,
      retry: {
        maxAttempts: config.huaweiMaxAttempts,
        deadline: invocation.deadline - margin,
        attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
        backoff: config.huaweiBackoff,
        signal: invocation.signal,
        onRetry: ({ attempt, delayMs, decision }) => {
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
    try {
      const status = await provisionConnection(message, event, ctx);
      return {
        messageId: message.messageId,
        status,
        vpnConnectionId: event.vpnConnectionId,
        retries,
      };
    } catch (error) {
      return settle(message, event, error, retries);
    }
  };

  return async (
    messages: readonly QueueMessage[],
    invocation: Invocation,
  ): Promise<MessageOutcome[]> => {
    // One gate per account: a refused key or agency stops that account's calls only.
    const gates = new Map<string, CredentialGate>();
    const gateOf = (account: AccountAccess): CredentialGate => {
      let gate = gates.get(account.spec.name);
      if (gate === undefined) {
        gate = new CredentialGate(() => {
          account.credentials.refresh();
          log.warn('Huawei refused the credentials of an account; its calls stop', {
            account: account.spec.name,
            source: account.spec.source.kind,
            identity: account.credentials.identity(),
          });
          deps.metrics?.addMetric('HuaweiAuthFailures', MetricUnit.Count, 1);
        });
        gates.set(account.spec.name, gate);
      }
      return gate;
    };
    const route = async (
      message: QueueMessage,
      event: ConnectionCreated,
    ): Promise<CredentialGate | MessageOutcome> => {
      try {
        return gateOf(await deps.accounts.route(event));
      } catch (error) {
        if (error instanceof UnknownProjectError) {
          return deadLetter(
            message,
            {
              kind: 'unknown-project',
              message: error.message,
              attempts: 0,
              vpn_connection_id: event.vpnConnectionId,
              project_id: event.projectId,
            },
            [],
          );
        }
        return settle(message, event, error, []);
      }
    };
    const firsts = new Map<string, Promise<MessageOutcome>>();
    const defaults = { projectId: config.defaultProjectId, region: config.defaultRegion };

    const outcomes = await mapConcurrent(
      messages,
      config.recordConcurrency,
      async (message): Promise<MessageOutcome> => {
        const parsed = parseConnectionCreated(message.body, defaults);
        if (!parsed.ok) {
          return deadLetter(
            message,
            { kind: 'invalid-input', message: parsed.error.message, attempts: 0 },
            [],
          );
        }
        const key = connectionKey(parsed.event);
        const first = firsts.get(key);
        if (!first) {
          const outcome = route(message, parsed.event).then((gate) =>
            gate instanceof CredentialGate
              ? processOne(message, parsed.event, invocation, gate)
              : gate,
          );
          firsts.set(key, outcome);
          return outcome;
        }
        const twin = await first;
        const base = {
          messageId: message.messageId,
          vpnConnectionId: parsed.event.vpnConnectionId,
          retries: [],
        };
        if (HANDLED.has(twin.status)) return { ...base, status: 'duplicate' };
        if (twin.failure) {
          const {
            source_message_id: _,
            receive_count: __,
            failed_at: ___,
            ...draft
          } = twin.failure;
          return deadLetter(message, draft satisfies ReasonDraft, []);
        }
        return { ...base, status: 'retry-later', reason: twin.reason };
      },
    );
    if (deps.metrics) recordOutcomes(deps.metrics, outcomes);
    return outcomes;
  };
};

/** The provisioner a container builds once. */
export type Provisioner = ReturnType<typeof createProvisioner>;
