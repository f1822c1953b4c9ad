import type { MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import { mapConcurrent } from '../batch/map-concurrent.ts';
import type { Config } from '../config.ts';
import { type FailureReason, sendToDeadLetterQueue } from '../dlq/dead-letter.ts';
import { HuaweiApiError } from '../errors.ts';
import { type ConnectionCreated, parseConnectionCreated } from '../events/parse.ts';
import { CredentialGate } from '../huawei/credential-gate.ts';
import type { CredentialsProvider } from '../huawei/credentials.ts';
import type { HuaweiVpnClient } from '../huawei/vpn-client.ts';
import type { Idempotency } from '../idempotency/idempotent.ts';
import type { Log } from '../log.ts';
import {
  type PublisherOptions,
  publishMonitorCreated,
  stableEventId,
} from '../publish/monitor-created.ts';
import { type Decision, decide } from '../retry/policy.ts';
import { RetryExhaustedError, type RetryOptions, withRetry } from '../retry/with-retry.ts';
import { type EnsuredMonitor, ensureMonitor } from './ensure-monitor.ts';

/** A queue message as this project needs it; the handler maps Lambda's record to it. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** How many times SQS has delivered it, this time included. */
  receiveCount: number;
  messageAttributes: Record<string, MessageAttributeValue>;
  messageGroupId?: string | undefined;
  traceHeader?: string | undefined;
}

/** The invocation's budget: when it must be done, and a signal that fires just before. */
export interface Invocation {
  requestId: string;
  deadline: number;
  signal: AbortSignal;
}

/** What became of one message. */
export type MessageOutcome =
  | {
      messageId: string;
      status: 'created' | 'already_existed';
      vpnConnectionId: string;
      retries: number;
    }
  | { messageId: string; status: 'duplicate'; vpnConnectionId: string; retries: number }
  | { messageId: string; status: 'dead-lettered'; reason: FailureReason; retries: number }
  | { messageId: string; status: 'retry-later'; reason: string; retries: number };

/** Everything the provisioner uses, built once per container. */
export interface ProvisionerDeps {
  config: Config;
  client: HuaweiVpnClient;
  credentials: CredentialsProvider;
  sqs: SQSClient;
  publisher: PublisherOptions;
  idempotency: Idempotency;
  log: Log;
  /** Time kept back from the deadline for the DLQ send and the response. */
  safetyMarginMs?: number;
}

interface StepContext {
  invocationId: string;
  retry: RetryOptions;
  gate: CredentialGate;
}

const keyOf = (event: ConnectionCreated): string => `${event.projectId}:${event.vpnConnectionId}`;

/**
 * Handles one SQS batch: parses every body, creates each connection's monitor once, publishes
 * its "monitor created" event once, and dead-letters what can never succeed, with the reason.
 * Returns one outcome per message; the ids whose status is `retry-later` are the batch item
 * failures. Messages about the same connection in one batch share the first one's fate.
 */
export const createProvisioner = (deps: ProvisionerDeps) => {
  const { config, client, idempotency, log } = deps;
  const margin = deps.safetyMarginMs ?? 1_000;

  const ensureOnce = idempotency.once(
    'monitor',
    (
      request: { key: string; event: ConnectionCreated },
      ctx: StepContext,
    ): Promise<EnsuredMonitor> =>
      ensureMonitor(
        { client, gate: ctx.gate, retry: ctx.retry },
        { projectId: request.event.projectId, region: request.event.region },
        request.event.vpnConnectionId,
      ),
  );

  const publishOnce = idempotency.once(
    'event',
    async (
      request: {
        key: string;
        detail: Parameters<typeof publishMonitorCreated>[1];
        invocationId: string;
      },
      ctx: StepContext,
    ) => {
      const eventId = await withRetry(
        () => publishMonitorCreated(deps.publisher, request.detail, ctx.retry.signal),
        ctx.retry,
      );
      return { eventId, invocationId: request.invocationId };
    },
  );

  const handle = async (message: QueueMessage, event: ConnectionCreated, ctx: StepContext) => {
    const ensured = await ensureOnce({ key: keyOf(event), event }, ctx);
    const detail = {
      event_id: stableEventId(event.projectId, event.vpnConnectionId, ensured.monitor.id),
      connection_monitor: ensured.monitor,
      request_id: ensured.requestId,
      project_id: event.projectId,
      region: event.region,
      vpn_connection_id: event.vpnConnectionId,
      outcome: ensured.outcome,
      correlation: {
        ...event.correlation,
        source_message_id: message.messageId,
        ...(message.traceHeader ? { trace_header: message.traceHeader } : {}),
      },
    };
    const published = await publishOnce(
      { key: keyOf(event), detail, invocationId: ctx.invocationId },
      ctx,
    );
    return published.invocationId === ctx.invocationId ? ensured.outcome : ('duplicate' as const);
  };

  return async (
    messages: readonly QueueMessage[],
    invocation: Invocation,
  ): Promise<MessageOutcome[]> => {
    const gate = new CredentialGate(() => deps.credentials.refresh());
    const parsed = messages.map((message) => ({
      message,
      result: parseConnectionCreated(message.body, {
        projectId: config.defaultProjectId,
        region: config.defaultRegion,
      }),
    }));
    const leaders = new Map<string, Promise<MessageOutcome>>();

    const deadLetter = async (
      message: QueueMessage,
      reason: Omit<FailureReason, 'source_message_id' | 'receive_count' | 'failed_at'>,
      retries: number,
    ): Promise<MessageOutcome> => {
      const full: FailureReason = {
        ...reason,
        source_message_id: message.messageId,
        receive_count: message.receiveCount,
        failed_at: new Date().toISOString(),
      };
      try {
        await sendToDeadLetterQueue(deps.sqs, config.deadLetterQueueUrl, message, full);
        log.warn('Message sent to the dead-letter queue', {
          messageId: message.messageId,
          reason: full,
        });
        return { messageId: message.messageId, status: 'dead-lettered', reason: full, retries };
      } catch (error) {
        log.error('Could not send to the dead-letter queue; the message will be redelivered', {
          messageId: message.messageId,
          error,
        });
        return {
          messageId: message.messageId,
          status: 'retry-later',
          reason: 'dead-letter send failed',
          retries,
        };
      }
    };

    const process = async (
      message: QueueMessage,
      event: ConnectionCreated,
    ): Promise<MessageOutcome> => {
      let retries = 0;
      const ctx = {
        invocationId: invocation.requestId,
        gate,
        retry: {
          maxAttempts: config.huaweiMaxAttempts,
          deadline: invocation.deadline - margin,
          attemptTimeoutMs: config.huaweiAttemptTimeoutMs,
          backoff: config.huaweiBackoff,
          signal: invocation.signal,
          onRetry: ({
            attempt,
            delayMs,
            decision,
          }: {
            attempt: number;
            delayMs: number;
            decision: Decision;
          }) => {
            retries++;
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
        const status = await handle(message, event, ctx);
        return {
          messageId: message.messageId,
          status,
          vpnConnectionId: event.vpnConnectionId,
          retries,
        };
      } catch (error) {
        const cause = error instanceof RetryExhaustedError ? error.cause : error;
        const decision = error instanceof RetryExhaustedError ? error.decision : decide(error);
        const attempts = error instanceof RetryExhaustedError ? error.attempts : 1;
        const lastReceive = message.receiveCount >= config.maxReceiveCount;
        if (cause instanceof Error && cause.name === 'IdempotencyAlreadyInProgressError') {
          // Another invocation holds this connection right now and its own message stays
          // queued until it succeeds; on our last receive we leave the connection to it.
          const status = lastReceive ? 'duplicate' : 'retry-later';
          log.info('Connection in progress elsewhere', {
            messageId: message.messageId,
            vpnConnectionId: event.vpnConnectionId,
            status,
          });
          return status === 'duplicate'
            ? {
                messageId: message.messageId,
                status,
                vpnConnectionId: event.vpnConnectionId,
                retries,
              }
            : {
                messageId: message.messageId,
                status,
                reason: 'connection in progress in another invocation',
                retries,
              };
        }
        if (decision.disposition === 'give-up' || lastReceive) {
          return deadLetter(
            message,
            {
              kind: decision.disposition === 'give-up' ? 'rejected' : 'retries-exhausted',
              message: `${decision.reason}: ${cause instanceof Error ? cause.message : String(cause)}`,
              code: cause instanceof HuaweiApiError ? cause.code : undefined,
              status: cause instanceof HuaweiApiError ? cause.status : undefined,
              request_id: cause instanceof HuaweiApiError ? cause.requestId : undefined,
              attempts,
              vpn_connection_id: event.vpnConnectionId,
              project_id: event.projectId,
            },
            retries,
          );
        }
        log.warn('Message left for redelivery', {
          messageId: message.messageId,
          vpnConnectionId: event.vpnConnectionId,
          reason: decision.reason,
          error: cause,
        });
        return {
          messageId: message.messageId,
          status: 'retry-later',
          reason: decision.reason,
          retries,
        };
      }
    };

    return mapConcurrent(parsed, config.recordConcurrency, async ({ message, result }) => {
      if (!result.ok) {
        return deadLetter(
          message,
          { kind: 'invalid-input', message: result.error.message, attempts: 0 },
          0,
        );
      }
      const key = keyOf(result.event);
      const leader = leaders.get(key);
      if (leader) {
        const outcome = await leader;
        if (
          outcome.status === 'created' ||
          outcome.status === 'already_existed' ||
          outcome.status === 'duplicate'
        ) {
          return {
            messageId: message.messageId,
            status: 'duplicate',
            vpnConnectionId: result.event.vpnConnectionId,
            retries: 0,
          };
        }
        if (outcome.status === 'dead-lettered') {
          const {
            source_message_id: _,
            receive_count: __,
            failed_at: ___,
            ...reason
          } = outcome.reason;
          return deadLetter(message, reason, 0);
        }
        return { ...outcome, messageId: message.messageId };
      }
      const outcome = process(message, result.event);
      leaders.set(key, outcome);
      return outcome;
    });
  };
};

/** The provisioner a container builds once. */
export type Provisioner = ReturnType<typeof createProvisioner>;
