import { randomUUID } from 'node:crypto';
import {
  BATCH_CREATE_VPN_CONNECTION_TRACE,
  CREATE_VPN_CONNECTION_TRACE,
} from '../../lib/events/cloud-trace.ts';

/** What the simulator reports when a VPN connection is created (its `onConnectionCreated` hook). */
export interface ConnectionCreatedNotice {
  projectId: string;
  /** The connection as the API answered it; `id` is all the stand-in needs. */
  connection: { id: string; name?: string; status?: string };
  /** The create request's body and the API's answer, as recorded in the trace. */
  request?: unknown;
  response?: unknown;
  /** The account the project belongs to. */
  domainId?: string;
  /** How it was created; a batch create is one trace for all its connections. */
  via?: 'create' | 'batch-create' | 'control';
}

/** A CloudEvents 1.0 event in JSON form, as EventGrid forwards a cloud-service event. */
export interface CloudEventJson {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

/** How a trace records the request and response: JSON strings, or objects (both are seen). */
export type TraceBodyStyle = 'string' | 'object';

const DEFAULT_DOMAIN_ID = '6985a531e0e86845683c604dcf177246';

/**
 * The Cloud Trace Service trace of a successful `createVpnConnection` (or, for a batch create,
 * one `batchCreateVpnConnection` trace whose response lists every connection), wrapped as
 * EventGrid forwards VPN cloud-service events: source `HC.VPN`, type `VPN:CloudTrace:ApiCall`
 * (by analogy with the documented `HC.VPC` events; not documented for VPN).
 */
export const connectionCreatedEvent = (
  notice: ConnectionCreatedNotice,
  style: TraceBodyStyle = 'string',
  now: Date = new Date(),
): CloudEventJson => {
  const id = notice.connection.id;
  const response = notice.response ?? {
    vpn_connection: { ...notice.connection, status: notice.connection.status ?? 'PENDING_CREATE' },
    request_id: randomUUID().replaceAll('-', ''),
  };
  const request = notice.request ?? { vpn_connection: { name: notice.connection.name ?? id } };
  const encode = (value: unknown) => (style === 'string' ? JSON.stringify(value) : value);
  const domainId = notice.domainId ?? DEFAULT_DOMAIN_ID;
  const batch = notice.via === 'batch-create';
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'HC.VPN',
    type: 'VPN:CloudTrace:ApiCall',
    time: now.toISOString(),
    subject: batch ? 'vpn-connection' : `vpn-connection/${id}`,
    datacontenttype: 'application/json',
    data: {
      trace_id: randomUUID(),
      trace_name: batch ? BATCH_CREATE_VPN_CONNECTION_TRACE : CREATE_VPN_CONNECTION_TRACE,
      trace_rating: 'normal',
      trace_type: 'ApiCall',
      api_version: 'v5',
      service_type: 'VPN',
      resource_type: 'vpn-connection',
      // How CTS fills these for a batch is not documented; the response lists the connections.
      resource_id: batch ? '' : id,
      resource_name: batch ? '' : (notice.connection.name ?? id),
      domain_id: domainId,
      project_id: notice.projectId,
      user: { name: 'netops-automation', domain: { id: domainId, name: 'example-corp' } },
      request: encode(request),
      response: encode(response),
      code: '201',
      time: now.getTime(),
      record_time: now.getTime(),
    },
  };
};
