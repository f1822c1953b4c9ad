import type { SqsClient } from '../aws/index.ts';
import { mapConcurrent } from '../batch/index.ts';
import type { VpnTarget } from '../huawei/index.ts';
import {
  buildCopy,
  chunk,
  isFifoQueue,
  MAX_BATCH_ENTRIES,
  MAX_DELAY_SECONDS,
  reconcileAttributes,
  sendBatch,
} from '../queue/index.ts';
import { describeFailure } from './summary.ts';

/** Batches in flight at once. */
const CONCURRENCY = 4;
/** Passes over the entries SQS refused (its own throttling, a transient fault). */
const PASSES = 3;

/**
 * The delay of the `index`th message so that messages become visible at `rate` a second:
 * `index / rate`, at most 15 minutes (past that they come at once, after 15 minutes; the
 * createMonitor pacer then follows Huawei's rate). 0 without a rate, and on a FIFO queue.
 */
export const spreadDelaySeconds = (index: number, rate: number | undefined): number =>
  rate === undefined ? 0 : Math.min(MAX_DELAY_SECONDS, Math.floor(index / rate));

/**
 * Queues one "VPN connection created" message per connection on the source queue, marked with
 * the reconcile origin and run id, ten to a batch. Entries SQS refuses are sent again, up to
 * three passes in all; what is still refused is returned, never thrown, so the rest goes on.
 * With `rate`, the messages are spread in time with `DelaySeconds` ({@link spreadDelaySeconds}).
 */
export const enqueueConnections = async (
  sqs: SqsClient,
  queueUrl: string,
  target: VpnTarget,
  connectionIds: readonly string[],
  runId: string,
  rate?: number | undefined,
) => {
  const fifo = isFifoQueue(queueUrl);
  const position = new Map(connectionIds.map((id, index) => [id, index]));
  const attributes = reconcileAttributes(runId);
  // Written by the queue writer like any message: a new one is a copy of nothing received.
  const entry = (id: string, index: number) => ({
    Id: String(index),
    ...buildCopy(
      fifo,
      {
        messageId: `${runId}.${id}`,
        // The plain "VPN connection created" body createMonitor reads.
        body: JSON.stringify({
          vpn_connection_id: id,
          project_id: target.projectId,
          region: target.region,
        }),
        messageAttributes: attributes,
        messageGroupId: id,
      },
      {
        ...(rate === undefined
          ? {}
          : { delaySeconds: spreadDelaySeconds(position.get(id) ?? 0, rate) }),
      },
    ).request,
  });
  const sendOne = async (ids: readonly string[]) => {
    try {
      const results = await sendBatch(sqs, queueUrl, ids.map(entry));
      return ids.flatMap((id, index) => {
        const refused = results.get(String(index));
        return refused === undefined ? [] : [{ id, reason: refused }];
      });
    } catch (error) {
      return ids.map((id) => ({ id, reason: describeFailure(error) }));
    }
  };
  let remaining = [...connectionIds];
  // Connections whose message SQS refused every time, with its last reason.
  let failed: { id: string; reason: string }[] = [];
  for (let pass = 0; pass < PASSES && remaining.length > 0; pass += 1) {
    const batches = chunk(remaining, MAX_BATCH_ENTRIES);
    failed = (await mapConcurrent(batches, CONCURRENCY, sendOne)).flat();
    remaining = failed.map((entry) => entry.id);
  }
  return { sent: connectionIds.length - failed.length, failed };
};
