import { readCloudEvent } from './cloudevents.ts';
import { readEventBridgeEnvelope } from './eventbridge.ts';
import { hasKey, type JsonObject } from './json.ts';
import { readPlainMessage } from './plain.ts';
import type { Reading } from './reading.ts';
import { readTraceMessage } from './trace-message.ts';

/** The outer form a message takes; `sns` and `smn` notifications wrap one of the others. */
export type Envelope = 'sns' | 'smn' | 'cloudevents' | 'eventbridge' | 'cloud-trace' | 'plain';

/** The envelopes that wrap another message. */
export type Wrapper = Extract<Envelope, 'sns' | 'smn'>;

/** How each envelope is named in an error message. */
export const ENVELOPE_LABELS: Readonly<Record<Envelope, string>> = {
  sns: 'SNS notification',
  smn: 'SMN notification',
  cloudevents: 'CloudEvents 1.0 event',
  eventbridge: 'EventBridge envelope',
  'cloud-trace': 'Cloud Trace trace',
  plain: 'plain message',
};

/** What an operator is told when a message has none of the keys that identify a shape. */
export const UNRECOGNISED_SHAPE =
  'has none of the keys that identify a shape: vpn_connection_id (plain), detail-type ' +
  '(EventBridge), specversion (CloudEvents 1.0), trace_name (Cloud Trace), TopicArn or Type ' +
  'and Message (SNS), topic_urn or type and message (SMN)';

/** True for the envelopes that wrap another message. */
export function isWrapper(envelope: Envelope): envelope is Wrapper {
  return envelope === 'sns' || envelope === 'smn';
}

/**
 * Recognises the envelope by the keys only it has, so that a message which is almost right is
 * reported against the shape it was meant to be (`detail.region` rather than "unknown shape").
 * Checked from the most to the least specific; `undefined` when none matches. SNS keys are
 * PascalCase and SMN's snake_case; a CloudEvent also has `type`, so it is recognised first.
 */
export function detectEnvelope(message: JsonObject): Envelope | undefined {
  if (hasKey(message, 'TopicArn') || (hasKey(message, 'Type') && hasKey(message, 'Message'))) {
    return 'sns';
  }
  if (hasKey(message, 'specversion')) return 'cloudevents';
  if (hasKey(message, 'topic_urn') || (hasKey(message, 'type') && hasKey(message, 'message'))) {
    return 'smn';
  }
  if (hasKey(message, 'detail-type')) return 'eventbridge';
  if (hasKey(message, 'trace_name')) return 'cloud-trace';
  if (hasKey(message, 'vpn_connection_id')) return 'plain';
  return undefined;
}

/** Reads a message already recognised as one of the shapes that carry the event themselves. */
export function readEnvelope(
  envelope: Exclude<Envelope, Wrapper>,
  message: JsonObject,
  path: string,
): Reading {
  switch (envelope) {
    case 'cloudevents':
      return readCloudEvent(message, path);
    case 'eventbridge':
      return readEventBridgeEnvelope(message, path);
    case 'cloud-trace':
      return readTraceMessage(message, path, {}, undefined);
    case 'plain':
      return readPlainMessage(message, path);
  }
}
