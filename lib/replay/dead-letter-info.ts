import type { Message } from '@aws-sdk/client-sqs';
import { parseConnectionCreated } from '../events/index.ts';
import { FAILURE_ATTRIBUTE, readFailureReason, readReplayMetadata } from '../queue/index.ts';
import type { ReplayOptions } from './options.ts';

/** The kind given to a message that SQS itself moved here (`maxReceiveCount`), with no reason. */
const SQS_REDRIVE_KIND = 'sqs-redrive';
/** The kind given to a message whose failure attribute is there but cannot be read. */
const UNREADABLE_KIND = 'unreadable-reason';

/**
 * Only the connection id is read from the body. The parser fills a missing project and region
 * from defaults, which a replay does not know, so these stand-ins keep it from rejecting a
 * message for lacking them; they never leave this module.
 */
const PLACEHOLDER_DEFAULTS = { projectId: '0'.repeat(32), region: 'xx-replay-1' };

/** What a dead-lettered message says about itself: why it failed, which connection, when. */
export interface DeadLetterInfo {
  messageId: string;
  /** `invalid-input`, `rejected`, `retries-exhausted`, `not-ready-timeout`, {@link SQS_REDRIVE_KIND} */
  kind: string;
  /** Huawei or AWS error code, such as `APIGW.0301`, when the failure had one. */
  code: string | undefined;
  status: number | undefined;
  description: string;
  vpnConnectionId: string | undefined;
  /** The failure's `failed_at`, else when the message entered the DLQ (`SentTimestamp`). */
  failedAt: Date | undefined;
  /** The earliest known id of the event's message, kept across replays. */
  originalMessageId: string;
  /** How many times it was replayed before. */
  replayCount: number;
}

/** Short label of a reason for reports: the code when there is one, else the kind. */
export function reasonLabel(info: Pick<DeadLetterInfo, 'kind' | 'code'>): string {
  return info.code ?? info.kind;
}

const toDate = (value: string | null | undefined): Date | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const date = new Date(/^\d+$/.test(value) ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

const connectionFromBody = (body: string | undefined): string | undefined => {
  if (body === undefined) return undefined;
  const parsed = parseConnectionCreated(body, PLACEHOLDER_DEFAULTS);
  // A batch-create trace names several connections; the first one stands for the message.
  return parsed.kind === 'connections' ? parsed.events[0]?.vpnConnectionId : undefined;
};

/**
 * Reads a message received from the dead-letter queue (with all message and system attributes).
 * A message without `vpn_monitor_failure` was moved by SQS's own redrive; one whose attribute
 * is garbled is reported as such. Never throws: every message gets a reason.
 */
export function readDeadLetterInfo(message: Message): DeadLetterInfo {
  const messageId = message.MessageId ?? '';
  const failure = readFailureReason(message.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue);
  const replay = readReplayMetadata(message.MessageAttributes);
  const [kind, description] =
    failure === undefined
      ? [SQS_REDRIVE_KIND, 'unknown (moved by SQS redrive)']
      : failure === null
        ? [UNREADABLE_KIND, `unknown (the ${FAILURE_ATTRIBUTE} attribute cannot be read)`]
        : [failure.kind, failure.message ?? failure.kind];
  return {
    messageId,
    kind,
    code: failure?.code ?? undefined,
    status: failure?.status ?? undefined,
    description,
    vpnConnectionId: failure?.vpn_connection_id ?? connectionFromBody(message.Body),
    failedAt: toDate(failure?.failed_at) ?? toDate(message.Attributes?.SentTimestamp),
    originalMessageId: replay?.original_message_id ?? failure?.source_message_id ?? messageId,
    replayCount: replay?.replay_count ?? 0,
  };
}

/** The part of the options that decides which messages a copy replay takes. */
export type ReplayFilter = Pick<ReplayOptions, 'reason' | 'connection' | 'since' | 'until'>;

const lower = (value: string | undefined): string => value?.toLowerCase() ?? '';

/**
 * True when the message passes every filter given: its failure code or kind is one of
 * `reason` (any case), its connection is one of `connection`, and its failure time is in
 * [`since`, `until`). A message whose connection or time is unknown does not pass a filter on
 * it: a narrowed replay takes only what it can show matches.
 */
export function matchesFilter(info: DeadLetterInfo, filter: ReplayFilter): boolean {
  const reasons = new Set(filter.reason.map(lower));
  if (reasons.size > 0 && !reasons.has(lower(info.kind)) && !reasons.has(lower(info.code))) {
    return false;
  }
  const connections = new Set(filter.connection.map(lower));
  if (connections.size > 0 && !connections.has(lower(info.vpnConnectionId))) return false;
  if (filter.since === undefined && filter.until === undefined) return true;
  const at = info.failedAt?.getTime();
  if (at === undefined) return false;
  if (filter.since !== undefined && at < filter.since.getTime()) return false;
  return filter.until === undefined || at < filter.until.getTime();
}
