import { InvalidInputError } from '../errors.ts';
import type * as z from '../zod.ts';
import { readTraceMessage } from './cloud-trace.ts';
import {
  type Candidate,
  type ConnectionCreated,
  type ConnectionDefaults,
  type ParseResult,
  projectIdSchema,
  type Reading,
  readPlain,
  regionSchema,
} from './connection-created.ts';
import {
  type NotificationContent,
  readCloudEvent,
  readEventBridgeEnvelope,
  readWrapper,
  type Wrapper,
} from './envelopes.ts';
import {
  describeValue,
  errorText,
  fail,
  type JsonObject,
  joinPath,
  type Outcome,
  type Problem,
  parseJsonObject,
  withArticle,
} from './problems.ts';

/** The outer form a message takes; `sns` and `smn` notifications wrap one of the others. */
type Envelope = 'sns' | 'smn' | 'cloudevents' | 'eventbridge' | 'cloud-trace' | 'plain';

/** How each envelope is named in an error message. */
const ENVELOPE_LABELS: Readonly<Record<Envelope, string>> = {
  sns: 'SNS notification',
  smn: 'SMN notification',
  cloudevents: 'CloudEvents 1.0 event',
  eventbridge: 'EventBridge envelope',
  'cloud-trace': 'Cloud Trace trace',
  plain: 'plain message',
};

/** What an operator is told when a message has none of the keys that identify a shape. */
const UNRECOGNISED_SHAPE =
  'has none of the keys that identify a shape: vpn_connection_id (plain), detail-type ' +
  '(EventBridge), specversion (CloudEvents 1.0), trace_name (Cloud Trace), TopicArn or Type ' +
  'and Message (SNS), topic_urn or type and message (SMN)';

/** True for the envelopes that wrap another message. */
function isWrapper(envelope: Envelope): envelope is Wrapper {
  return envelope === 'sns' || envelope === 'smn';
}

/**
 * Recognises the envelope by the keys only it has, so that a message which is almost right is
 * reported against the shape it was meant to be (`detail.region` rather than "unknown shape").
 * Checked from the most to the least specific; `undefined` when none matches. SNS keys are
 * PascalCase and SMN's snake_case; a CloudEvent also has `type`, so it is recognised first.
 */
function detectEnvelope(message: JsonObject): Envelope | undefined {
  const has = (key: string) => Object.hasOwn(message, key);
  if (has('TopicArn') || (has('Type') && has('Message'))) return 'sns';
  if (has('specversion')) return 'cloudevents';
  if (has('topic_urn') || (has('type') && has('message'))) return 'smn';
  if (has('detail-type')) return 'eventbridge';
  if (has('trace_name')) return 'cloud-trace';
  if (has('vpn_connection_id')) return 'plain';
  return undefined;
}

/** The reader of each shape that carries the event itself. */
const READERS: Readonly<
  Record<Exclude<Envelope, Wrapper>, (message: JsonObject, path: string) => Reading>
> = {
  cloudevents: readCloudEvent,
  eventbridge: readEventBridgeEnvelope,
  'cloud-trace': (message, path) => readTraceMessage(message, path, {}, undefined),
  plain: (message, path) => readPlain(message, { shape: 'plain', correlation: {}, fieldsAt: path }),
};

/**
 * Takes `project_id` and `region` from the message, else from the deployment's defaults. A
 * default is validated like a message value: it too ends up in a URL, and a bad one must not
 * slip through because the message happened to omit the field.
 */
function resolveDefaults(
  candidate: Candidate,
  defaults: ConnectionDefaults,
): Outcome<{ projectId: string; region: string }> {
  const projectId = pick(candidate, 'project_id', defaults.projectId, projectIdSchema);
  if (!projectId.ok) return projectId;
  const region = pick(candidate, 'region', defaults.region, regionSchema);
  if (!region.ok) return region;
  return { ok: true, value: { projectId: projectId.value, region: region.value } };
}

function pick(
  candidate: Candidate,
  field: 'project_id' | 'region',
  fromDefaults: string | undefined,
  schema: z.ZodMiniType<string>,
): Outcome<string> {
  const fromMessage = field === 'project_id' ? candidate.projectId : candidate.region;
  if (fromMessage !== undefined) return { ok: true, value: fromMessage };
  const path = joinPath(candidate.fieldsAt, [field]);
  const what = `default ${field === 'project_id' ? 'project id' : 'region'}`;
  if (fromDefaults === undefined) return fail(path, `is missing and no ${what} is configured`);
  const checked = schema.safeParse(fromDefaults);
  if (checked.success) return { ok: true, value: checked.data };
  const reason = checked.error.issues[0]?.message ?? 'is not valid';
  const got = describeValue(fromDefaults);
  return fail(path, `is missing and the configured ${what} is not valid: it ${reason}, got ${got}`);
}

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
 * reach the Huawei API. Never throws (see {@link ParseResult}): an `invalid` result's
 * {@link InvalidInputError} says which shape was recognised, which field is wrong and what it
 * held, and its `path` names the field.
 */
export function parseConnectionCreated(body: string, defaults: ConnectionDefaults): ParseResult {
  try {
    if (typeof body !== 'string') {
      return invalid('message body', fail('', `must be a string, got ${describeValue(body)}`));
    }
    const size = Buffer.byteLength(body, 'utf8');
    if (size > MAX_BODY_BYTES) {
      return invalid(
        'message body',
        fail(
          '',
          `is ${size} bytes, over the 256 KiB (${MAX_BODY_BYTES} bytes) SQS message size limit; it was not parsed`,
        ),
      );
    }
    const root = parseJsonObject(body, '');
    return root.ok ? readMessage(root.value, defaults) : invalid('message body', root);
  } catch (error: unknown) {
    // Not expected to happen; caught so that a bug here sends one message to the DLQ with a
    // reason instead of failing the batch.
    return invalid('message body', fail('', `could not be read: ${errorText(error)}`, error));
  }
}

/** The notification a message came in, when it came in one. */
type Around = NotificationContent & { wrapper: Wrapper };

function readMessage(
  message: JsonObject,
  defaults: ConnectionDefaults,
  around?: Around,
): ParseResult {
  const envelope = detectEnvelope(message);
  const outer = around === undefined ? undefined : ENVELOPE_LABELS[around.wrapper];
  const path = around?.path ?? '';
  if (envelope === undefined) {
    return invalid(outer ?? 'unrecognised message', unrecognised(message, path));
  }
  const label = ENVELOPE_LABELS[envelope];
  if (!isWrapper(envelope)) {
    const shown = outer === undefined ? label : `${outer} wrapping ${withArticle(label)}`;
    return finish(shown, READERS[envelope](message, path), defaults, around);
  }
  if (outer !== undefined) {
    return invalid(
      outer,
      fail(path, `holds another ${label}; only one level of SNS or SMN is supported`),
    );
  }
  const wrapper = readWrapper(envelope, message);
  if (!wrapper.ok) return invalid(label, wrapper);
  if ('reason' in wrapper.value) {
    return { kind: 'ignored', reason: wrapper.value.reason, shape: 'smn' };
  }
  return readMessage(wrapper.value.message, defaults, { wrapper: envelope, ...wrapper.value });
}

function finish(
  label: string,
  read: Reading,
  defaults: ConnectionDefaults,
  around: Around | undefined,
): ParseResult {
  if (!read.ok) return invalid(label, read);
  if (read.value.kind === 'ignored') return read.value;
  const candidate = read.value;
  const placement = resolveDefaults(candidate, defaults);
  if (!placement.ok) return invalid(label, placement);
  const { shape, correlation, domainId } = candidate;
  const occurredAt = candidate.occurredAt ?? around?.sentAt;
  const events = candidate.vpnConnectionIds.map(
    (vpnConnectionId): ConnectionCreated => ({
      vpnConnectionId,
      ...placement.value,
      shape,
      viaSns: around?.wrapper === 'sns',
      viaSmn: around?.wrapper === 'smn',
      ...(occurredAt === undefined ? {} : { occurredAt }),
      ...(domainId === undefined ? {} : { domainId }),
      ...(candidate.projectId === undefined ? { projectDefaulted: true as const } : {}),
      correlation:
        around === undefined
          ? correlation
          : { ...correlation, [`${around.wrapper}MessageId`]: around.messageId },
    }),
  );
  return { kind: 'connections', events };
}

function unrecognised(message: JsonObject, path: string): { problem: Problem } {
  const keys = Object.keys(message);
  const shown = keys.slice(0, KEYS_SHOWN).map(describeValue).join(', ');
  const rest = keys.length > KEYS_SHOWN ? ` and ${keys.length - KEYS_SHOWN} more` : '';
  const found = keys.length === 0 ? 'it is an empty object' : `its keys are ${shown}${rest}`;
  return fail(path, `${UNRECOGNISED_SHAPE}; ${found}`);
}

function invalid(
  label: string,
  { problem }: { problem: Problem },
): { kind: 'invalid'; error: InvalidInputError } {
  const where = problem.path === '' ? '' : `${problem.path} `;
  return {
    kind: 'invalid',
    error: new InvalidInputError(`${label}: ${where}${problem.message}`, {
      path: problem.path === '' ? undefined : problem.path,
      ...(problem.cause === undefined ? {} : { cause: problem.cause }),
    }),
  };
}
