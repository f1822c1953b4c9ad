import { InvalidInputError } from '../errors.ts';
import type { ConnectionDefaults, ParseResult } from './connection-created.ts';
import {
  detectEnvelope,
  ENVELOPE_LABELS,
  readEnvelope,
  UNRECOGNISED_SHAPE,
} from './detect-shape.ts';
import { type JsonObject, parseJsonObject } from './json.ts';
import type { Candidate } from './plain.ts';
import { describeValue, type Outcome, type Problem, printable, withArticle } from './problems.ts';
import { resolveDefaults } from './resolve-defaults.ts';
import { readSnsNotification } from './sns.ts';

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
 * (plain, EventBridge, CloudEvents 1.0 with plain or Cloud Trace data, each optionally inside
 * one SNS notification), fills `project_id` and `region` from `defaults` when the message has
 * none, and validates every id that will reach the Huawei API.
 *
 * Never throws: anything that cannot be handled comes back as an {@link InvalidInputError} whose
 * message says which shape was recognised, which field is wrong and what it held, and whose
 * `path` names the field.
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
  if (envelope !== 'sns') {
    return finish(
      ENVELOPE_LABELS[envelope],
      readEnvelope(envelope, message, ''),
      defaults,
      undefined,
    );
  }

  const sns = readSnsNotification(message, '');
  if (!sns.ok) return invalid(ENVELOPE_LABELS.sns, sns.problem);
  const { message: inner, messageId, path } = sns.value;
  const innerEnvelope = detectEnvelope(inner);
  if (innerEnvelope === undefined) {
    return invalid(ENVELOPE_LABELS.sns, unrecognised(inner, path));
  }
  if (innerEnvelope === 'sns') {
    return invalid(ENVELOPE_LABELS.sns, {
      path,
      message: 'holds another SNS notification; only one level of SNS is supported',
    });
  }
  const label = `${ENVELOPE_LABELS.sns} wrapping ${withArticle(ENVELOPE_LABELS[innerEnvelope])}`;
  return finish(label, readEnvelope(innerEnvelope, inner, path), defaults, messageId);
}

function finish(
  label: string,
  read: Outcome<Candidate>,
  defaults: ConnectionDefaults,
  snsMessageId: string | undefined,
): ParseResult {
  if (!read.ok) return invalid(label, read.problem);
  const placement = resolveDefaults(read.value, defaults);
  if (!placement.ok) return invalid(label, placement.problem);
  const { vpnConnectionId, shape, correlation } = read.value;
  return {
    ok: true,
    event: {
      vpnConnectionId,
      ...placement.value,
      shape,
      viaSns: snsMessageId !== undefined,
      correlation: snsMessageId === undefined ? correlation : { ...correlation, snsMessageId },
    },
  };
}

function unrecognised(message: JsonObject, path: string): Problem {
  const keys = Object.keys(message);
  const shown = keys.slice(0, KEYS_SHOWN).map(describeValue).join(', ');
  const rest = keys.length > KEYS_SHOWN ? ` and ${keys.length - KEYS_SHOWN} more` : '';
  const found = keys.length === 0 ? 'it is an empty object' : `its keys are ${shown}${rest}`;
  return { path, message: `${UNRECOGNISED_SHAPE}; ${found}` };
}

function invalid(label: string, problem: Problem): { ok: false; error: InvalidInputError } {
  const where = problem.path === '' ? '' : `${problem.path} `;
  return {
    ok: false,
    error: new InvalidInputError(`${label}: ${where}${problem.message}`, {
      path: problem.path === '' ? undefined : problem.path,
      ...(problem.cause === undefined ? {} : { cause: problem.cause }),
    }),
  };
}
