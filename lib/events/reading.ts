import type { Correlation, MessageShape } from './connection-created.ts';
import type { Outcome } from './problems.ts';

/**
 * What a shape reader found in a message that announces connections: their ids (at least one,
 * valid, no repeats), project and region (valid when present, still to be defaulted), and
 * `fieldsAt`, the path of the object holding the fields, so a missing `project_id` can be
 * named where the producer should have put it.
 */
export interface Candidate {
  kind: 'candidate';
  vpnConnectionIds: readonly string[];
  projectId: string | undefined;
  region: string | undefined;
  domainId?: string;
  occurredAt?: string;
  shape: MessageShape;
  correlation: Correlation;
  fieldsAt: string;
}

/** A well-formed message that announces no new connection, and why. */
interface Ignored {
  kind: 'ignored';
  reason: string;
  shape: MessageShape;
}

/** What reading one shape gives: connections to provision, a message to ignore, or a problem. */
export type Reading = Outcome<Candidate | Ignored>;
