import type { CloudEventJson, ConnectionCreatedNotice } from './cloud-trace.ts';
import type { EventGrid } from './event-grid.ts';

/** The part of the Huawei simulator EventGrid listens to: its connection-created hook. */
export interface ConnectionSource {
  onConnectionCreated(listener: (created: ConnectionCreatedNotice) => void): () => void;
}

/**
 * Makes every connection the simulator creates (through `POST /v5/{project_id}/vpn-connection`,
 * the batch create or the control surface) reach EventGrid as its CTS trace, as Cloud Trace
 * Service and an EventGrid subscription would. `onPublished` sees each event sent; the returned
 * function detaches EventGrid again.
 */
export const attachEventGrid = (
  simulator: ConnectionSource,
  eventGrid: Pick<EventGrid, 'connectionCreated'>,
  onPublished: (event: CloudEventJson, created: ConnectionCreatedNotice) => void = () => undefined,
): (() => void) =>
  simulator.onConnectionCreated((created) => {
    onPublished(eventGrid.connectionCreated(created), created);
  });
