import { isJsonObject } from '../events/index.ts';
import { jsonDepth, MAX_JSON_DEPTH } from './poison.ts';
import { type IngestRequest, mediaType } from './request.ts';

/**
 * How a request carried its events; `envelope` is EventGrid's `{"events":[...]}`, whatever
 * content type it came with.
 */
type ContentMode = 'structured' | 'batched' | 'binary' | 'json' | 'smn' | 'envelope';

/** An SMN HTTP(S) message as received, for its topic and signature to be checked. */
export interface SmnSigned {
  type: string;
  /** Every field as sent, for the string to sign (`smn-signature.ts`). */
  fields: Readonly<Record<string, unknown>>;
}

/** The events of a request, each as the message body the queue gets, or why there are none. */
export type Decoded =
  | { ok: true; mode: ContentMode; events: string[]; smn?: SmnSigned }
  /** A subscription being (un)confirmed. */
  | { ok: true; mode: 'smn-control'; smn: SmnSigned }
  | {
      ok: false;
      status: 400 | 415;
      reason: 'malformed' | 'unsupported-media-type';
      message: string;
    };

/** CloudEvents HTTP binding, structured mode. */
const CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** CloudEvents HTTP binding, batched mode. */
const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

/** Media types read as plain JSON: SMN's (not documented by Huawei, so both). */
const JSON_TYPES = new Set(['application/json', 'text/plain']);

const refused = (status: 400 | 415, message: string): Decoded => {
  const reason = status === 400 ? 'malformed' : 'unsupported-media-type';
  return { ok: false, status, reason, message };
};

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false; message: string } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error: unknown) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
};

/** A header value of binary mode: percent-encoded per the CloudEvents HTTP binding. */
const decodeHeader = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const decodeBinary = (request: IngestRequest, type: string | undefined, body: string): Decoded => {
  if (type === undefined || (type !== 'application/json' && !type.endsWith('+json'))) {
    return refused(
      415,
      `binary-mode CloudEvents must carry JSON data (application/json), not ${type ?? 'no Content-Type'}`,
    );
  }
  const data = parseJson(body);
  if (!data.ok) return refused(400, `the event data is not JSON: ${data.message}`);
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('ce-') && name.length > 3 && value !== undefined) {
      attributes[name.slice(3)] = decodeHeader(value);
    }
  }
  const contentType = request.headers['content-type'];
  // Rebuilt in structured form, the form createMonitor reads, with every attribute kept.
  const event = {
    ...attributes,
    ...(contentType === undefined ? {} : { datacontenttype: contentType }),
    data: data.value,
  };
  return { ok: true, mode: 'binary', events: [JSON.stringify(event)] };
};

const decodeArray = (mode: 'batched' | 'json' | 'envelope', value: unknown[]): Decoded => {
  const notObject = value.findIndex((element) => !isJsonObject(element));
  if (notObject >= 0) return refused(400, `element ${notObject} of the batch is not a JSON object`);
  return { ok: true, mode, events: value.map((element) => JSON.stringify(element)) };
};

/**
 * Reads a request's events by its content mode, per the CloudEvents HTTP binding: structured
 * (`application/cloudevents+json`, the body is the event), batched
 * (`application/cloudevents-batch+json`, a JSON array of events), binary (`ce-*` headers, the
 * body is the data, rebuilt here into one structured event); and plain JSON, which may be an
 * SMN HTTP(S) message (snake_case). EventGrid's envelope `{"events":[...]}` is read in the
 * structured, batched and plain JSON types alike, each element one event as in a batch; not in
 * binary mode, whose body is one event's data. Each event comes back as the message body to queue:
 * the request's own bytes where the request is one event, else the event re-serialised.
 */
export const decodeEvents = (request: IngestRequest): Decoded => {
  const type = mediaType(request.headers['content-type']);
  const body = request.body.toString('utf8');
  // Before anything parses or serialises it: a deep enough body overflows JSON.stringify's stack.
  if (jsonDepth(body) > MAX_JSON_DEPTH) {
    return refused(400, `the body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
  // The content type decides first: a structured or batched body is that, whatever ce-*
  // headers come with it (the CloudEvents HTTP binding's content modes).
  const batched = type === CLOUDEVENTS_BATCH_JSON;
  const plain = type !== undefined && JSON_TYPES.has(type);
  if (type !== CLOUDEVENTS_JSON && !batched) {
    if (request.headers['ce-specversion'] !== undefined) return decodeBinary(request, type, body);
    if (!plain) {
      return refused(
        415,
        `Content-Type ${type ?? '(none)'} is not accepted; send ${CLOUDEVENTS_JSON}, ${CLOUDEVENTS_BATCH_JSON}, a binary-mode CloudEvent (ce-* headers) or application/json`,
      );
    }
  }
  const parsed = parseJson(body);
  if (!parsed.ok) return refused(400, `the body is not JSON: ${parsed.message}`);
  const { value } = parsed;
  if (Array.isArray(value) && (batched || plain)) {
    return decodeArray(batched ? 'batched' : 'json', value);
  }
  const notABatch = 'a batch must be a JSON array of events';
  if (!isJsonObject(value))
    return refused(400, batched ? notABatch : 'the body must be a JSON object');
  // An SMN HTTP(S) message: snake_case, with `type` and `topic_urn`.
  if (plain && typeof value.type === 'string' && typeof value.topic_urn === 'string') {
    const smn = { type: value.type, fields: value };
    if (smn.type === 'SubscriptionConfirmation' || smn.type === 'UnsubscribeConfirmation') {
      return { ok: true, mode: 'smn-control', smn };
    }
    return { ok: true, mode: 'smn', events: [body], smn };
  }
  // EventGrid's envelope, as its user guide shows events before and after a transform; a
  // CloudEvent itself (with `specversion`) is never one.
  if (Array.isArray(value.events) && value.specversion === undefined) {
    return decodeArray('envelope', value.events);
  }
  if (batched) return refused(400, notABatch);
  return { ok: true, mode: plain ? 'json' : 'structured', events: [body] };
};
