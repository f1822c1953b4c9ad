import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ConnectionDefaults } from '../events/index.ts';
import { classifyEvent } from './classify.ts';
import { decodeEvents } from './decode.ts';
import { queueMessages } from './queue.ts';
import {
  type IngestRequest,
  type IngestResponse,
  jsonResponse,
  presentedTokens,
  UNAUTHORIZED,
} from './request.ts';
import { handleSmnControl, type SubscriptionDeps } from './subscription.ts';
import type { TokenVerifier } from './tokens.ts';

/** What the ingest endpoint works with; built once per container. */
export interface IngestDeps extends SubscriptionDeps {
  verifier: TokenVerifier;
  sqs: SQSClient;
  /** The source queue `createMonitor` reads. */
  queueUrl: string;
  /** The project and region `createMonitor` fills in, so both accept the same events. */
  defaults: ConnectionDefaults;
  /** Larger bodies are answered 413 without being read. */
  maxBodyBytes: number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.name : 'Error');

/**
 * Builds the ingest endpoint: a request is authenticated first (a request without a valid
 * token is answered 401 and nothing else happens), then size-checked (413), decoded by its
 * content mode (415, 400), and its events validated with `createMonitor`'s parser. Events that
 * announce a connection are queued with their bodies unchanged; the answer is 2xx only when
 * SQS accepted every one of them, 5xx otherwise so that the sender retries.
 */
export const createIngest =
  (deps: IngestDeps) =>
  async (request: IngestRequest): Promise<IngestResponse> => {
    const { counters, log } = deps;
    // Every invocation writes at least this metric: Powertools warns in the log of one that
    // writes none, which a flood of refused requests would otherwise fill.
    counters.count('IngestRequests', 1);
    let authorised: boolean;
    try {
      authorised = await deps.verifier.verify(presentedTokens(request));
    } catch (error: unknown) {
      log.error('ingest tokens could not be read; answering 503 so the sender retries', {
        error: describe(error),
        message: error instanceof Error ? error.message : undefined,
      });
      return jsonResponse(503, { message: 'Service unavailable; retry later' });
    }
    if (!authorised) {
      counters.count('EventsRejected', 1, 'unauthorized');
      return UNAUTHORIZED;
    }
    if (request.method.toUpperCase() !== 'POST') {
      return jsonResponse(405, { message: 'Only POST is accepted' }, { allow: 'POST' });
    }
    if (request.body.length > deps.maxBodyBytes) {
      counters.count('EventsRejected', 1, 'too-large');
      return jsonResponse(413, {
        message: `The body is ${request.body.length} bytes; at most ${deps.maxBodyBytes} are accepted`,
      });
    }

    const decoded = decodeEvents(request);
    if (!decoded.ok) {
      counters.count('EventsRejected', 1, decoded.reason);
      log.warn('ingest request refused', { status: decoded.status, reason: decoded.message });
      return jsonResponse(decoded.status, { message: decoded.message });
    }
    if (decoded.mode === 'smn-control') return handleSmnControl(deps, decoded.message);

    const { events, mode } = decoded;
    counters.count('EventsReceived', events.length);
    const toQueue: string[] = [];
    const rejected: { index: number; reason: string }[] = [];
    let ignored = 0;
    events.forEach((body, index) => {
      const classified = classifyEvent(body, deps.defaults);
      if (classified.kind === 'connections') toQueue.push(body);
      else if (classified.kind === 'ignored') ignored++;
      else rejected.push({ index, reason: classified.reason });
    });
    counters.count('EventsIgnored', ignored);
    counters.count('EventsRejected', rejected.length, 'invalid-event');

    const queued = await queueMessages(deps.sqs, deps.queueUrl, toQueue);
    counters.count('EventsQueued', queued.accepted);
    counters.count('EventsRejected', queued.failed.length, 'queue-failed');
    const summary = { mode, received: events.length, queued: queued.accepted, ignored };
    if (queued.failed.length > 0) {
      const codes = [...new Set(queued.failed.map((f) => f.reason.split(':')[0]))];
      log.error('SQS did not accept every event; answering 502 so the sender retries', {
        ...summary,
        notQueued: queued.failed.length,
        codes,
      });
      return jsonResponse(502, {
        message: `SQS did not accept ${queued.failed.length} of ${toQueue.length} events (${codes.join(', ')}); send the request again`,
        ...summary,
      });
    }
    if (rejected.length > 0) {
      log.warn('ingest events rejected as invalid', { ...summary, rejected });
      return jsonResponse(400, {
        message: `${rejected.length} of ${events.length} events are not valid "VPN connection created" events`,
        ...summary,
        rejected,
      });
    }
    log.info('ingest request handled', summary);
    return jsonResponse(200, summary);
  };
