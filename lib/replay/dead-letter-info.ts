import type { Message } from '@aws-sdk/client-sqs';
import { parseConnectionCreated } from '../events/index.ts';
import { FAILURE_ATTRIBUTE, readFailureReason, readReplayMetadata } from '../queue/index.ts';

/** The kind given to a message that SQS itself moved here (`maxReceiveCount`), with no reason. */
const SQS_REDRIVE_KIND = 'sqs-redrive';
/** The description of such a message. */
const SQS_REDRIVE_DESCRIPTION = 'unknown (moved by SQS redrive)';
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
  const sentAt = toDate(message.Attributes?.SentTimestamp);
  const common = {
    messageId,
    replayCount: replay?.replay_count ?? 0,
  };
  if (failure === undefined || failure === null) {
    return {
      ...common,
      kind: failure === null ? UNREADABLE_KIND : SQS_REDRIVE_KIND,
      code: undefined,
      status: undefined,
      description:
        failure === null
          ? `unknown (the ${FAILURE_ATTRIBUTE} attribute cannot be read)`
          : SQS_REDRIVE_DESCRIPTION,
      vpnConnectionId: connectionFromBody(message.Body),
      failedAt: sentAt,
      originalMessageId: replay?.original_message_id ?? messageId,
    };
  }
  return {
    ...common,
    kind: failure.kind,
    code: failure.code ?? undefined,
    status: failure.status ?? undefined,
    description: failure.message ?? failure.kind,
    vpnConnectionId: failure.vpn_connection_id ?? connectionFromBody(message.Body),
    failedAt: toDate(failure.failed_at) ?? sentAt,
    originalMessageId: replay?.original_message_id ?? failure.source_message_id ?? messageId,
  };
}
