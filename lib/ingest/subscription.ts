import { printable } from '../events/index.ts';
import type { Log } from '../log.ts';
import type { SmnControlMessage } from './decode.ts';
import type { IngestCounters } from './metrics.ts';
import { type IngestResponse, jsonResponse } from './request.ts';
import { type ConfirmFetch, confirmSubscription, type SmnConfirmationPolicy } from './smn.ts';

/** What answering an SMN subscription message needs. */
export interface SubscriptionDeps {
  smn: SmnConfirmationPolicy;
  fetchUrl: ConfirmFetch;
  log: Log;
  counters: IngestCounters;
}

/**
 * Answers an SMN subscription (un)confirmation: a confirmation is confirmed only when its URL
 * passes the policy (`smn.ts`), otherwise refused (400) and logged for an operator; a failed
 * fetch is answered 502 so SMN may send it again; an unsubscribe is logged and acknowledged.
 */
export const handleSmnControl = async (
  deps: SubscriptionDeps,
  message: SmnControlMessage,
): Promise<IngestResponse> => {
  const context = {
    smnType: message.type,
    topicUrn: message.topicUrn,
    messageId: message.messageId,
  };
  if (message.type === 'UnsubscribeConfirmation') {
    deps.log.warn('SMN says the subscription to this endpoint was cancelled', context);
    return jsonResponse(200, { message: 'Unsubscribe confirmation noted' });
  }
  const outcome = await confirmSubscription(message, deps.smn, deps.fetchUrl);
  if (outcome.status === 'confirmed') {
    deps.log.info('SMN subscription confirmed', { ...context, host: outcome.host });
    return jsonResponse(200, { message: 'Subscription confirmed' });
  }
  if (outcome.status === 'refused') {
    deps.counters.count('EventsRejected', 1, 'smn-confirmation-refused');
    deps.log.warn(
      'SMN subscription confirmation refused: an operator must check the topic and confirm it in the SMN console if it is ours',
      // The URL is SMN's confirmation link, not our token: logged so an operator can open it.
      {
        ...context,
        host: outcome.host,
        why: outcome.why,
        subscribeUrl: printable(message.subscribeUrl ?? '', 2_048),
      },
    );
    return jsonResponse(400, { message: `Subscription confirmation refused: ${outcome.why}` });
  }
  deps.log.error('SMN subscription confirmation failed; SMN may send it again', {
    ...context,
    host: outcome.host,
    why: outcome.why,
  });
  return jsonResponse(502, { message: 'Subscription confirmation failed; send it again' });
};
