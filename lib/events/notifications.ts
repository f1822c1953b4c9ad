import type { Wrapper } from './detect-shape.ts';
import type { JsonObject } from './json.ts';
import type { Outcome } from './problems.ts';
import { readSmnMessage } from './smn.ts';
import { type NotificationContent, readSnsNotification } from './sns.ts';

/**
 * Reads an SNS or SMN message at the top of a body: the notification's content (its message
 * parsed), or, for an SMN subscription or unsubscribe confirmation, why it is ignored.
 */
export function readWrapper(
  wrapper: Wrapper,
  message: JsonObject,
): Outcome<NotificationContent | { reason: string }> {
  if (wrapper === 'sns') return readSnsNotification(message, '');
  const smn = readSmnMessage(message, '');
  if (!smn.ok) return smn;
  if (smn.value.kind === 'confirmation') return { ok: true, value: { reason: smn.value.reason } };
  const { kind: _kind, ...content } = smn.value;
  return { ok: true, value: content };
}
