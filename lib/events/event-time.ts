/**
 * When a record's event happened, epoch ms: the event's own time (`occurredAt`) when it says,
 * else what the first delayed copy recorded (`recorded`, the wait state's `event_time`), else
 * when the message was sent to the queue (`sentAt`, SQS's `SentTimestamp`). The producer's time
 * is never later than the queue's: a clock ahead (or a forged time) must not stretch its own
 * grace period.
 */
export const eventTimeOf = (times: {
  occurredAt?: string | undefined;
  recorded?: string | undefined;
  sentAt?: number | undefined;
}): number | undefined => {
  const own = times.occurredAt === undefined ? Number.NaN : Date.parse(times.occurredAt);
  if (!Number.isNaN(own)) return times.sentAt === undefined ? own : Math.min(own, times.sentAt);
  return times.recorded === undefined ? times.sentAt : Date.parse(times.recorded);
};
