import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../metrics.ts';
import type { MessageOutcome } from './types.ts';

const STATUS_METRIC: Record<MessageOutcome['status'], string> = {
  created: 'MonitorsCreated',
  already_existed: 'MonitorsAlreadyExisted',
  duplicate: 'DuplicatesAbsorbed',
  'dead-lettered': 'DeadLettered',
  'retry-later': 'LeftForRedelivery',
  ignored: 'EventsIgnored',
};

/** Counted once for each connection of a message; the others once for the message. */
const PER_CONNECTION = new Set<MessageOutcome['status']>([
  'created',
  'already_existed',
  'duplicate',
]);

/**
 * Counts a batch's outcomes: monitors created and found and duplicates absorbed (one for each
 * connection, a batch-create trace carrying several), messages dead-lettered (and of those,
 * invalid events), left for redelivery, and ignored (announcing no new connection, counted as
 * `EventsIgnored`), and retries by reason class.
 */
export const recordOutcomes = (metrics: MetricsSink, outcomes: readonly MessageOutcome[]): void => {
  const counts = new Map<string, number>();
  const bump = (name: string, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n);
  for (const outcome of outcomes) {
    const { connections } = outcome;
    for (const part of connections) {
      if (PER_CONNECTION.has(part.status)) bump(STATUS_METRIC[part.status]);
    }
    if (!PER_CONNECTION.has(outcome.status) || connections.length === 0) {
      bump(STATUS_METRIC[outcome.status]);
    }
    if (outcome.failure?.kind === 'invalid-input') bump('InvalidEvents');
    for (const reason of outcome.retries) bump(`Retries.${reason}`);
  }
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
};
