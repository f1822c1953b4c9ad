/**
 * The face of `lib/events/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /** A Huawei project id. */
  projectIdSchema,
  /** A Huawei region. */
  regionSchema,
  /** A VPN connection id. */
  vpnConnectionIdSchema,
} from './connection-created.ts';
export {
  /** A validated "VPN connection created" event. */
  type ConnectionCreated,
  /** Project and region used when a message does not name them (validated like message values). */
  type ConnectionDefaults,
  /** Reads an SQS message body holding a "VPN connection created" event in any supported shape. */
  parseConnectionCreated,
} from './parse.ts';
export {
  /** When the connection event happened, from the times a record carries, for the outcome log. */
  eventTimeOf,
  /** True for a JSON object. */
  isJsonObject,
  /** Makes foreign text (a JSON syntax error that quotes the body) safe to embed in a reason. */
  printable,
} from './problems.ts';
