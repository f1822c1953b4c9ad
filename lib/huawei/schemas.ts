import { z } from 'zod';

/**
 * A connection monitor as the API returns it. Loose: fields Huawei adds later are kept, so
 * the "monitor created" event carries the API's object verbatim.
 */
export const connectionMonitorSchema = z.looseObject({
  id: z.string().min(1),
  vpn_connection_id: z.string().min(1),
  type: z.string().optional(),
  source_ip: z.string().optional(),
  destination_ip: z.string().optional(),
  proto_type: z.string().optional(),
  status: z.string().optional(),
});
export type ConnectionMonitor = z.infer<typeof connectionMonitorSchema>;

/** `201` answer of `POST /v5/{project_id}/connection-monitors`. */
export const createMonitorResponseSchema = z.looseObject({
  connection_monitor: connectionMonitorSchema,
  request_id: z.string().optional(),
});

/** `200` answer of `GET /v5/{project_id}/connection-monitors`. */
export const listMonitorsResponseSchema = z.looseObject({
  connection_monitors: z.array(connectionMonitorSchema),
  request_id: z.string().optional(),
});

/** `200` answer of `GET /v5/{project_id}/connection-monitors/{id}`. */
export const showMonitorResponseSchema = createMonitorResponseSchema;

/** Huawei's error body; the API documents both field pairs, so both are read. */
export const errorBodySchema = z.looseObject({
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});
