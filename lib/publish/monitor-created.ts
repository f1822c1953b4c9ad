import { createHash } from 'node:crypto';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishError } from '../errors.ts';
import type { ConnectionMonitor } from '../huawei/schemas.ts';

/** The `DetailType` of every event this project publishes. */
const MONITOR_CREATED_DETAIL_TYPE = 'VPN Connection Monitor Created';

/** The `detail` of a "monitor created" event; `event_id` is stable across repeats. */
export interface MonitorCreatedDetail {
  event_id: string;
  connection_monitor: ConnectionMonitor;
  request_id: string | undefined;
  project_id: string;
  region: string;
  vpn_connection_id: string;
  outcome: 'created' | 'already_existed';
  correlation: Record<string, string>;
}

/**
 * A UUID-shaped id derived from project, connection and monitor, so every publication about
 * the same monitor carries the same id and consumers can drop repeats.
 */
export const stableEventId = (
  projectId: string,
  vpnConnectionId: string,
  monitorId: string,
): string => {
  const h = createHash('sha256')
    .update(`${projectId}/${vpnConnectionId}/${monitorId}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Where and as whom events are published. */
export interface PublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  source: string;
}

/**
 * Publishes one "monitor created" event with `PutEvents`. A partial failure
 * (`FailedEntryCount > 0`) is a failure: it throws {@link PublishError}.
 */
export const publishMonitorCreated = async (
  options: PublisherOptions,
  detail: MonitorCreatedDetail,
  signal?: AbortSignal,
): Promise<string> => {
  const output = await options.client
    .send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: options.eventBusName,
            Source: options.source,
            DetailType: MONITOR_CREATED_DETAIL_TYPE,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
      signal ? { abortSignal: signal } : {},
    )
    .catch((error: unknown) => {
      throw new PublishError(
        `PutEvents to bus ${options.eventBusName} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
  const entry = output.Entries?.[0];
  if ((output.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new PublishError(
      `EventBridge rejected the event on bus ${options.eventBusName}: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim(),
      { errorCode: entry?.ErrorCode },
    );
  }
  return entry.EventId;
};
