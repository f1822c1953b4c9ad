import { randomBytes } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/** Message attribute naming where a "VPN connection created" message came from. */
export const ORIGIN_ATTRIBUTE = 'vpn_monitor_origin';
/** Message attribute carrying the id of the reconcile run that queued the message. */
export const RUN_ID_ATTRIBUTE = 'vpn_monitor_reconcile_run';

const RUN_ID = /^[A-Za-z0-9._:-]{1,80}$/;

/**
 * Where a message came from, when it was not a producer's event: a reconcile run. Its
 * idempotency record is the run's own, so a connection handled long ago whose monitor was
 * deleted since gets a monitor again.
 */
export interface MessageOrigin {
  kind: 'reconcile';
  runId: string;
}

/** A fresh run id, readable in logs and sortable: `20261126T024000Z-3f9a1c0b`. */
export const newRunId = (now: Date = new Date()): string =>
  `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(4).toString('hex')}`;

/** The two attributes a reconcile run puts on each message it queues. */
export const reconcileAttributes = (runId: string): Record<string, MessageAttributeValue> => ({
  [ORIGIN_ATTRIBUTE]: { DataType: 'String', StringValue: 'reconcile' },
  [RUN_ID_ATTRIBUTE]: { DataType: 'String', StringValue: runId },
});

/**
 * The origin a message's attributes declare, or `undefined` for an ordinary event. An origin
 * without a well-formed run id is ignored: the message is then handled like any event.
 */
export const readOrigin = (
  attributes: Record<string, MessageAttributeValue>,
): MessageOrigin | undefined => {
  const runId = attributes[RUN_ID_ATTRIBUTE]?.StringValue;
  if (attributes[ORIGIN_ATTRIBUTE]?.StringValue !== 'reconcile' || runId === undefined) {
    return undefined;
  }
  return RUN_ID.test(runId) ? { kind: 'reconcile', runId } : undefined;
};
