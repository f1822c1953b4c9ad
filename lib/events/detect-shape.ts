import { readCloudEvent } from './cloudevents.ts';
import { readEventBridgeEnvelope } from './eventbridge.ts';
import { hasKey, type JsonObject } from './json.ts';
import { type Candidate, readPlainMessage } from './plain.ts';
import type { Outcome } from './problems.ts';

/** The outer form a message takes; `sns` wraps one of the others. */
export type Envelope = 'sns' | 'cloudevents' | 'eventbridge' | 'plain';

/** How each envelope is named in an error message. */
export const ENVELOPE_LABELS: Readonly<Record<Envelope, string>> = {
  sns: 'SNS notification',
  cloudevents: 'CloudEvents 1.0 event',
  eventbridge: 'EventBridge envelope',
  plain: 'plain message',
};

/** What an operator is told when a message has none of the keys that identify a shape. */
export const UNRECOGNISED_SHAPE =
  'has none of the keys that identify a shape: vpn_connection_id (plain), detail-type ' +
  '(EventBridge), specversion (CloudEvents 1.0), TopicArn or Type and Message (SNS)';

/**
 * Recognises the envelope by the keys only it has, so that a message which is almost right is
 * reported against the shape it was meant to be (`detail.region` rather than "unknown shape").
 * Checked from the most to the least specific; `undefined` when none matches.
 */
export function detectEnvelope(message: JsonObject): Envelope | undefined {
  if (hasKey(message, 'TopicArn') || (hasKey(message, 'Type') && hasKey(message, 'Message'))) {
    return 'sns';
  }
  if (hasKey(message, 'specversion')) return 'cloudevents';
  if (hasKey(message, 'detail-type')) return 'eventbridge';
  if (hasKey(message, 'vpn_connection_id')) return 'plain';
  return undefined;
}

/** Reads a message already recognised as one of the shapes that carry the fields themselves. */
export function readEnvelope(
  envelope: Exclude<Envelope, 'sns'>,
  message: JsonObject,
  path: string,
): Outcome<Candidate> {
  switch (envelope) {
    case 'cloudevents':
      return readCloudEvent(message, path);
    case 'eventbridge':
      return readEventBridgeEnvelope(message, path);
    case 'plain':
      return readPlainMessage(message, path);
  }
}
