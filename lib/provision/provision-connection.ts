import type { ConnectionCreated } from '../events/parse.ts';
import {
  type MonitorCreatedDetail,
  publishMonitorCreated,
  stableEventId,
} from '../publish/monitor-created.ts';
import { withRetry } from '../retry/with-retry.ts';
import { type EnsuredMonitor, ensureMonitor } from './ensure-monitor.ts';
import type { ProvisionerDeps, QueueMessage, StepContext } from './types.ts';

/** The idempotency key of a connection: project and connection, never the message id. */
export const connectionKey = (event: ConnectionCreated): string =>
  `${event.projectId}:${event.vpnConnectionId}`;

/**
 * The two idempotent steps of a connection. `ensure` creates (or finds) the monitor and is
 * remembered per connection; `publish` sends the "monitor created" event and is remembered
 * separately, so a failed publish is retried with the monitor already stored, and a
 * redelivery after both succeeded publishes nothing.
 */
export const createConnectionSteps = (deps: ProvisionerDeps) => {
  const ensure = deps.idempotency.once(
    'monitor',
    (
      request: { key: string; event: ConnectionCreated },
      ctx: StepContext,
    ): Promise<EnsuredMonitor> =>
      ensureMonitor(
        { client: deps.client, gate: ctx.gate, retry: ctx.retry },
        { projectId: request.event.projectId, region: request.event.region },
        request.event.vpnConnectionId,
      ),
  );

  const publish = deps.idempotency.once(
    'event',
    async (
      request: { key: string; detail: MonitorCreatedDetail; invocationId: string },
      ctx: StepContext,
    ) => {
      const eventId = await withRetry(
        () => publishMonitorCreated(deps.publisher, request.detail, ctx.retry.signal),
        ctx.retry,
      );
      return { eventId, invocationId: request.invocationId };
    },
  );

  /** Runs both steps; answers `duplicate` when the event had been published before. */
  return async (
    message: QueueMessage,
    event: ConnectionCreated,
    ctx: StepContext,
  ): Promise<EnsuredMonitor['outcome'] | 'duplicate'> => {
    const key = connectionKey(event);
    const ensured = await ensure({ key, event }, ctx);
    const detail: MonitorCreatedDetail = {
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
    const published = await publish({ key, detail, invocationId: ctx.invocationId }, ctx);
    return published.invocationId === ctx.invocationId ? ensured.outcome : 'duplicate';
  };
};
