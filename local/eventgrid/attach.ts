import type { CloudEventJson, ConnectionCreatedNotice } from './cloud-trace.ts';
import type { EventGrid } from './event-grid.ts';

/** The part of the Huawei simulator EventGrid listens to: its connection-created hook. */
export interface ConnectionSource {
  onConnectionCreated(listener: (created: ConnectionCreatedNotice) => void): () => void;
}

/**
 * Makes every connection the simulator creates (through `POST /v5/{project_id}/vpn-connection`,
 * the batch create or the control surface) reach EventGrid as its CTS trace, as Cloud Trace
 * Service and an EventGrid subscription would: one trace per create, one per batch create (the
 * simulator reports each connection of a batch with the same response). `onCreated` sees each
 * connection, with the event that announced it; the returned function detaches EventGrid again.
 */
export const attachEventGrid = (
  simulator: ConnectionSource,
  eventGrid: Pick<EventGrid, 'connectionCreated'>,
  onCreated: (created: ConnectionCreatedNotice, event: CloudEventJson) => void = () => undefined,
): (() => void) => {
  const batches = new Map<string, CloudEventJson>();
  return simulator.onConnectionCreated((created) => {
    const key = created.via === 'batch-create' ? JSON.stringify(created.response) : undefined;
    const seen = key === undefined ? undefined : batches.get(key);
    const event = seen ?? eventGrid.connectionCreated(created);
    if (key !== undefined && seen === undefined) batches.set(key, event);
    onCreated(created, event);
  });
};
