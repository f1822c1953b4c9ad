import * as z from '../zod.ts';

/**
 * A connection monitor as the API returns it. Loose: fields Huawei adds later are kept, so
 * the "monitor created" event carries the API's object verbatim.
 */
const connectionMonitorSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  vpn_connection_id: z.string().check(z.minLength(1)),
  type: z.optional(z.string()),
  source_ip: z.optional(z.string()),
  destination_ip: z.optional(z.string()),
  proto_type: z.optional(z.string()),
  status: z.optional(z.string()),
});
export type ConnectionMonitor = z.infer<typeof connectionMonitorSchema>;

/**
 * The answer that carries one monitor: `201` of `POST /v5/{project_id}/connection-monitors`, and
 * `200` of `GET /v5/{project_id}/connection-monitors/{id}`.
 */
export const monitorResponseSchema = z.looseObject({
  connection_monitor: connectionMonitorSchema,
  request_id: z.optional(z.string()),
});

/** `200` answer of `GET /v5/{project_id}/connection-monitors`. */
export const listMonitorsResponseSchema = z.looseObject({
  connection_monitors: z.array(connectionMonitorSchema),
  request_id: z.optional(z.string()),
});

/** Huawei's error body; the API documents both field pairs, so both are read. */
export const errorBodySchema = z.lazy(() =>
  z.looseObject({
    error_code: z.optional(z.string()),
    error_msg: z.optional(z.string()),
    code: z.optional(z.string()),
    message: z.optional(z.string()),
    request_id: z.optional(z.string()),
  }),
);

/**
 * A VPN connection as `GET /v5/{project_id}/vpn-connection` lists it. Loose: only `id`,
 * `status` and `connection_monitor_id` are read; the rest (`name`, `vgw_id`, subnets...) is
 * kept as Huawei sends it. `connection_monitor_id` (the Go SDK's `ResponseVpnConnection`) is
 * taken as sent, whatever its type: which regions or API versions send it, and what it holds
 * for a connection without a monitor, is not documented, so reconcile reads it with care
 * (`lib/reconcile/listing.ts`) instead of this schema refusing a page over it.
 */
export const vpnConnectionSchema = z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    status: z.string(),
    name: z.optional(z.string()),
    vgw_id: z.optional(z.string()),
    connection_monitor_id: z.optional(z.unknown()),
  }),
);
export type VpnConnection = z.infer<typeof vpnConnectionSchema>;

/** `200` answer of `GET /v5/{project_id}/vpn-connection`: one page, and where the next starts. */
export const listVpnConnectionsResponseSchema = z.lazy(() =>
  z.looseObject({
    vpn_connections: z.array(vpnConnectionSchema),
    page_info: z.optional(
      z.looseObject({
        next_marker: z.optional(z.nullable(z.string())),
        current_count: z.optional(z.number()),
      }),
    ),
    total_count: z.optional(z.number()),
    request_id: z.optional(z.string()),
  }),
);

/** `200` answer of `GET /v5/{project_id}/vpn-connection/{id}`: one connection, with its status. */
export const showVpnConnectionResponseSchema = z.lazy(() =>
  z.looseObject({
    vpn_connection: vpnConnectionSchema,
    request_id: z.optional(z.string()),
  }),
);
