import { InvalidInputError } from '../errors.ts';
import type { ConnectionCreated, ConnectionDefaults, ParseResult } from './connection-created.ts';
import {
  detectEnvelope,
  ENVELOPE_LABELS,
  isWrapper,
  readEnvelope,
  UNRECOGNISED_SHAPE,
  type Wrapper,
} from './detect-shape.ts';
import { type JsonObject, parseJsonObject } from './json.ts';
import { readWrapper } from './notifications.ts';
import { describeValue, type Problem, printable, withArticle } from './problems.ts';
import type { Reading } from './reading.ts';
import { resolveDefaults } from './resolve-defaults.ts';

/** The types callers of the parser need, from one import. */
export type {
  ConnectionCreated,
  ConnectionDefaults,
  ParseResult,
} from './connection-created.ts';

/**
 * The largest body read, in UTF-8 bytes: 256 KiB, SQS's classic message size limit, which the
 * queue and its dead-letter queue are sized for. A larger body is rejected before it is parsed.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/** Keys of an unrecognised message named in its error, enough to tell what it was. */
const KEYS_SHOWN = 8;

/**
 * Reads an SQS message body holding a "VPN connection created" event in any supported shape
 * (plain, EventBridge, CloudEvents 1.0 with plain or Cloud Trace data, a Cloud Trace trace on
 * its own, each optionally inside one SNS or one Huawei SMN notification), fills `project_id`
 * and `region` from `defaults` when the message has none, and validates every id that will
 * reach the Huawei API. A batch-create trace gives one event per connection.
 *
 * A well-formed message that announces no new connection (another Cloud Trace operation, a
 * failed create, an SMN subscription confirmation) comes back `ignored`, with the reason.
 *
 * Never throws: anything that cannot be handled comes back `invalid` with an
 * {@link InvalidInputError} whose message says which shape was recognised, which field is
 * wrong and what it held, and whose `path` names the field.
 */
export function parseConnectionCreated(body: string, defaults: ConnectionDefaults): ParseResult {
  try {
    return parseBody(body, defaults);
  } catch (error: unknown) {
    // Not expected to happen; caught so that a bug here sends one message to the DLQ with a
    // reason instead of failing the batch.
    const reason = printable(error instanceof Error ? error.message : String(error), 160);
    return invalid('message body', {
      path: '',
      message: `could not be read: ${reason}`,
      cause: error,
    });
  }
}

function parseBody(body: string, defaults: ConnectionDefaults): ParseResult {
  if (typeof body !== 'string') {
    return invalid('message body', {
      path: '',
      message: `must be a string, got ${describeValue(body)}`,
    });
  }
  const size = Buffer.byteLength(body, 'utf8');
  if (size > MAX_BODY_BYTES) {
    return invalid('message body', {
      path: '',
      message: `is ${size} bytes, over the 256 KiB (${MAX_BODY_BYTES} bytes) SQS message size limit; it was not parsed`,
    });
  }
  const root = parseJsonObject(body, '');
  if (!root.ok) return invalid('message body', root.problem);
  return readMessage(root.value, defaults);
}

function readMessage(message: JsonObject, defaults: ConnectionDefaults): ParseResult {
  const envelope = detectEnvelope(message);
  if (envelope === undefined) return invalid('unrecognised message', unrecognised(message, ''));
  if (!isWrapper(envelope)) {
    return finish(ENVELOPE_LABELS[envelope], readEnvelope(envelope, message, ''), defaults, {});
  }

  const wrapper = readWrapper(envelope, message);
  if (!wrapper.ok) return invalid(ENVELOPE_LABELS[envelope], wrapper.problem);
  if ('reason' in wrapper.value) {
    return { kind: 'ignored', reason: wrapper.value.reason, shape: 'smn' };
  }
  const { message: inner, messageId, sentAt, path } = wrapper.value;
  const innerEnvelope = detectEnvelope(inner);
  if (innerEnvelope === undefined) {
    return invalid(ENVELOPE_LABELS[envelope], unrecognised(inner, path));
  }
  if (isWrapper(innerEnvelope)) {
    return invalid(ENVELOPE_LABELS[envelope], {
      path,
      message: `holds another ${ENVELOPE_LABELS[innerEnvelope]}; only one level of SNS or SMN is supported`,
    });
  }
  const label = `${ENVELOPE_LABELS[envelope]} wrapping ${withArticle(ENVELOPE_LABELS[innerEnvelope])}`;
  return finish(label, readEnvelope(innerEnvelope, inner, path), defaults, {
    wrapper: envelope,
    messageId,
    sentAt,
  });
}

/** What the notification around the event, if any, adds to it. */
interface Around {
  wrapper?: Wrapper;
  messageId?: string;
  sentAt?: string | undefined;
}

function finish(
  label: string,
  read: Reading,
  defaults: ConnectionDefaults,
  around: Around,
): ParseResult {
  if (!read.ok) return invalid(label, read.problem);
  if (read.value.kind === 'ignored') return read.value;
  const candidate = read.value;
  const placement = resolveDefaults(candidate, defaults);
  if (!placement.ok) return invalid(label, placement.problem);
  const { shape, correlation, domainId } = candidate;
  const occurredAt = candidate.occurredAt ?? around.sentAt;
  const messageIdKey = around.wrapper === 'smn' ? 'smnMessageId' : 'snsMessageId';
  const events = candidate.vpnConnectionIds.map(
    (vpnConnectionId): ConnectionCreated => ({
      vpnConnectionId,
      ...placement.value,
      shape,
      viaSns: around.wrapper === 'sns',
      viaSmn: around.wrapper === 'smn',
      ...(occurredAt === undefined ? {} : { occurredAt }),
      ...(domainId === undefined ? {} : { domainId }),
      ...(candidate.projectId === undefined ? { projectDefaulted: true as const } : {}),
      correlation:
        around.messageId === undefined
          ? correlation
          : { ...correlation, [messageIdKey]: around.messageId },
    }),
  );
  return { kind: 'connections', events };
}

function unrecognised(message: JsonObject, path: string): Problem {
  const keys = Object.keys(message);
  const shown = keys.slice(0, KEYS_SHOWN).map(describeValue).join(', ');
  const rest = keys.length > KEYS_SHOWN ? ` and ${keys.length - KEYS_SHOWN} more` : '';
  const found = keys.length === 0 ? 'it is an empty object' : `its keys are ${shown}${rest}`;
  return { path, message: `${UNRECOGNISED_SHAPE}; ${found}` };
}

function invalid(label: string, problem: Problem): { kind: 'invalid'; error: InvalidInputError } {
  const where = problem.path === '' ? '' : `${problem.path} `;
  return {
    kind: 'invalid',
    error: new InvalidInputError(`${label}: ${where}${problem.message}`, {
      path: problem.path === '' ? undefined : problem.path,
      ...(problem.cause === undefined ? {} : { cause: problem.cause }),
    }),
  };
}
