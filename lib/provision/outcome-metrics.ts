import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../metrics.ts';
import type { MessageOutcome } from './types.ts';

const STATUS_METRIC: Record<MessageOutcome['status'], string> = {
  created: 'MonitorsCreated',
  already_existed: 'MonitorsAlreadyExisted',
  duplicate: 'DuplicatesAbsorbed',
  'dead-lettered': 'DeadLettered',
  'retry-later': 'LeftForRedelivery',
};

/**
 * Counts a batch's outcomes: monitors created and found, duplicates absorbed, dead-lettered
 * (and of those, invalid events), left for redelivery, and retries by reason class.
 */
export const recordOutcomes = (metrics: MetricsSink, outcomes: readonly MessageOutcome[]): void => {
  const counts = new Map<string, number>();
  const bump = (name: string, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n);
  for (const outcome of outcomes) {
    bump(STATUS_METRIC[outcome.status]);
    if (outcome.failure?.kind === 'invalid-input') bump('InvalidEvents');
    for (const reason of outcome.retries) bump(`Retries.${reason}`);
  }
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
};
