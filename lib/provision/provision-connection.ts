import { type ConnectionCreated, eventTimeOf } from '../events/index.ts';
import { type MonitorCreatedDetail, stableEventId } from '../publish/index.ts';
import { type MessageOrigin, readWaitState } from '../queue/index.ts';
import { withRetry } from '../retry/index.ts';
import { type EnsuredMonitor, ensureMonitor } from './ensure-monitor.ts';
import type { ProvisionerDeps, QueueMessage, StepContext } from './types.ts';

/**
 * The idempotency key of a connection: project and connection, never the message id. A message
 * from a reconcile run adds the run's id: the run found the connection without a monitor, so a
 * record from an earlier event (kept 15 days) must not absorb it. A redelivery of the same
 * run's message finds the run's record; Huawei's one-monitor rule (a refused second create,
 * resolved by listing) keeps a run racing with the event path to one monitor.
 */
export const connectionKey = (event: ConnectionCreated, origin?: MessageOrigin): string =>
  `${event.projectId}:${event.vpnConnectionId}${origin ? `#reconcile:${origin.runId}` : ''}`;

/** What is remembered of a handled connection. */
interface Provisioned {
  outcome: EnsuredMonitor['outcome'];
  monitorId: string;
  invocationId: string;
}

/** The log message of each outcome; the fields say which connection, project and monitor. */
const OUTCOME_LINE: Record<EnsuredMonitor['outcome'] | 'duplicate', string> = {
  created: 'Connection monitor created',
  already_existed: 'Connection monitor already existed',
  duplicate: 'Connection already handled: duplicate absorbed',
};

/**
 * One idempotent step per connection: make sure the monitor exists, then publish the
 * "monitor created" event. The idempotency record is completed only once both succeeded, so
 * a redelivery after that publishes nothing. When publishing fails the record is dropped and
 * the next delivery runs again: Huawei refuses the second create, the monitor is found by
 * listing, and the event is published with it (`already_existed`). One record per connection
 * keeps a record's DynamoDB cost at two calls.
 */
export const createConnectionStep = (deps: ProvisionerDeps) => {
  const provision = deps.idempotency.once(
    'connection',
    async (
      request: {
        key: string;
        event: ConnectionCreated;
        correlation: Record<string, string>;
        eventTime: number | undefined;
      },
      ctx: StepContext,
    ): Promise<Provisioned> => {
      const { event } = request;
      const ensured = await ensureMonitor(
        { client: deps.client, gate: ctx.gate, retry: ctx.retry },
        { projectId: event.projectId, region: event.region },
        event.vpnConnectionId,
        {
          eventTime: request.eventTime,
          notFoundGraceMs: deps.config.notFoundGraceSeconds * 1000,
          now: deps.now,
        },
      );
      const detail: MonitorCreatedDetail = {
        event_id: stableEventId(event.projectId, event.vpnConnectionId, ensured.monitor.id),
        connection_monitor: ensured.monitor,
        request_id: ensured.requestId,
        project_id: event.projectId,
        region: event.region,
        vpn_connection_id: event.vpnConnectionId,
        outcome: ensured.outcome,
        correlation: request.correlation,
      };
      // The invocation's batch publisher sends this event with the batch's others in one
      // PutEvents; a failure of this entry fails (and retries) this record only.
      await withRetry(() => ctx.publisher.publish(detail), ctx.retry);
      return {
        outcome: ensured.outcome,
        monitorId: ensured.monitor.id,
        invocationId: ctx.invocationId,
      };
    },
  );

  /** Provisions the connection; answers `duplicate` when it had been handled before. */
  return async (
    message: QueueMessage,
    event: ConnectionCreated,
    ctx: StepContext,
  ): Promise<EnsuredMonitor['outcome'] | 'duplicate'> => {
    const correlation = {
      ...event.correlation,
      source_message_id: message.messageId,
      ...(message.traceHeader ? { trace_header: message.traceHeader } : {}),
    };
    const key = connectionKey(event, message.origin);
    const eventTime = eventTimeOf({
      occurredAt: event.occurredAt,
      recorded: readWaitState(message.messageAttributes)?.event_time,
      sentAt: message.sentAt,
    });
    const started = performance.now();
    const done = await provision({ key, event, correlation, eventTime }, ctx);
    const outcome = done.invocationId === ctx.invocationId ? done.outcome : 'duplicate';
    // One INFO line per connection that ends well, so on-call can search a connection's story
    // on the happy path too (failures have their own WARN lines).
    deps.log.info(OUTCOME_LINE[outcome], {
      outcome,
      vpnConnectionId: event.vpnConnectionId,
      projectId: event.projectId,
      region: event.region,
      monitorId: done.monitorId,
      durationMs: Math.round(performance.now() - started),
      messageId: message.messageId,
    });
    return outcome;
  };
};
