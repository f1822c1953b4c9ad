import { createHash } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ConnectionMonitor } from '../huawei/index.ts';

/** The `DetailType` of every event this project publishes. */
export const MONITOR_CREATED_DETAIL_TYPE = 'VPN Connection Monitor Created';

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
