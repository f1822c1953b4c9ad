import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../metrics.ts';
import { isHandled } from './settlement.ts';
import type { MessageOutcome } from './types.ts';

const STATUS_METRIC: Record<MessageOutcome['status'], string> = {
  created: 'MonitorsCreated',
  already_existed: 'MonitorsAlreadyExisted',
  duplicate: 'DuplicatesAbsorbed',
  'dead-lettered': 'DeadLettered',
  postponed: 'Postponed',
  // A connection's own status only; a message with one is counted as `postponed`.
  'not-ready': 'Postponed',
  'retry-later': 'LeftForRedelivery',
  ignored: 'EventsIgnored',
};

/**
 * Counts a batch's outcomes: monitors created and found and duplicates absorbed (one for each
 * connection, a batch-create trace carrying several), messages dead-lettered (and of those,
 * invalid events), left for redelivery, and ignored (announcing no new connection, counted as
 * `EventsIgnored`), and retries by reason class.
 */
export const recordOutcomes = (metrics: MetricsSink, outcomes: readonly MessageOutcome[]): void => {
  const counts = new Map<string, number>();
  const bump = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const outcome of outcomes) {
    const { connections } = outcome;
    for (const part of connections) {
      if (isHandled(part.status)) bump(STATUS_METRIC[part.status]);
    }
    // Successes are counted once for each connection; the others once for the message.
    if (!isHandled(outcome.status) || connections.length === 0) {
      bump(STATUS_METRIC[outcome.status]);
    }
    if (outcome.failure?.kind === 'invalid-input') bump('InvalidEvents');
    for (const reason of outcome.retries) bump(`Retries.${reason}`);
  }
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
};
