import { targetLabel } from '../config/index.ts';
import { HEALTH_STATES } from './decide.ts';
import type { HealthSummary, HealthTargetSummary } from './run-health.ts';

const states = (byState: HealthTargetSummary['byState']): string =>
  HEALTH_STATES.filter((s) => byState[s] > 0)
    .map((s) => `${byState[s]} ${s}`)
    .join(', ') || 'none';

/** One line per target, then the totals: what an operator reads after `health`. */
export const formatHealthSummary = (summary: HealthSummary): string => {
  const lines = summary.targets.map(
    (t) =>
      `${targetLabel(t)}${t.account ? ` (${t.account})` : ''}: ${t.checked} checked: ${states(t.byState)}; ${t.changes} changed, ${t.eventsPublished} events, ${t.cloudEyeCalls} Cloud Eye calls${t.error ? `; not complete: ${t.error}` : ''}`,
  );
  const { total } = summary;
  lines.push(
    `${summary.dryRun ? 'Dry run: ' : ''}${total.checked} connections checked in ${summary.targets.length} projects (${states(total.byState)}); ${total.changes} changed, ${total.eventsPublished} events published, ${total.eventsPending} pending; ${total.cloudEyeCalls} Cloud Eye calls; ${summary.durationMs} ms`,
  );
  return `${lines.join('\n')}\n`;
};
