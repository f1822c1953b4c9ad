import type { DeadLetterInfo } from './dead-letter-info.ts';
import type { ReplayOptions } from './options.ts';

/** The part of the options that decides which messages a copy replay takes. */
export type ReplayFilter = Pick<ReplayOptions, 'reason' | 'connection' | 'since' | 'until'>;

const lower = (value: string | undefined): string | undefined => value?.toLowerCase();

/**
 * True when the message passes every filter given: its failure code or kind is one of
 * `reason` (any case), its connection is one of `connection`, and its failure time is in
 * [`since`, `until`). A message whose connection or time is unknown does not pass a filter on
 * it: a narrowed replay takes only what it can show matches.
 */
export function matchesFilter(info: DeadLetterInfo, filter: ReplayFilter): boolean {
  if (filter.reason.length > 0) {
    const wanted = new Set(filter.reason.map((reason) => reason.toLowerCase()));
    if (!wanted.has(lower(info.kind) ?? '') && !wanted.has(lower(info.code) ?? '')) return false;
  }
  if (filter.connection.length > 0) {
    const wanted = new Set(filter.connection.map((id) => id.toLowerCase()));
    if (!wanted.has(lower(info.vpnConnectionId) ?? '')) return false;
  }
  if (filter.since !== undefined || filter.until !== undefined) {
    const at = info.failedAt?.getTime();
    if (at === undefined) return false;
    if (filter.since !== undefined && at < filter.since.getTime()) return false;
    if (filter.until !== undefined && at >= filter.until.getTime()) return false;
  }
  return true;
}
