import { createSecretReader, createSqsClient, type SqsClient } from '../aws/index.ts';
import type { IngestConfig } from '../config/index.ts';
import { type ConnectionDefaults, parseConnectionCreated } from '../events/index.ts';
import type { Log } from '../log.ts';
import { decodeEvents, type SmnSigned } from './decode.ts';
import type { IngestCounters } from './metrics.ts';
import { escapeForSqs } from './poison.ts';
import { queueMessages } from './queue.ts';
import {
  type IngestRequest,
  type IngestResponse,
  jsonResponse,
  presentedTokens,
  UNAUTHORIZED,
} from './request.ts';
import { handleSmnControl, type SubscriptionDeps, smnContext } from './smn.ts';
import { createSmnVerifier, type SmnVerifier } from './smn-signature.ts';
import { createTokenVerifier, type TokenVerifier } from './tokens.ts';

/** What the ingest endpoint works with; built once per container. */
export interface IngestDeps extends SubscriptionDeps {
  verifier: TokenVerifier;
  /** Checks every SMN message's topic and signature before anything else is done with it. */
  smnVerifier: SmnVerifier;
  sqs: SqsClient;
  /** The source queue `createMonitor` reads. */
  queueUrl: string;
  /** The project and region `createMonitor` fills in, so both accept the same events. */
  defaults: ConnectionDefaults;
  /** Larger bodies are answered 413 without being read. */
  maxBodyBytes: number;
}

const fetchUrl = (url: string, init: RequestInit) => fetch(url, init);

/**
 * Builds the ingest endpoint's clients once per container (`lib/aws/`, which lets the SDK pick
 * up `AWS_REGION`, credentials and the `AWS_ENDPOINT_URL_*` overrides); SMN confirmations and
 * signing certificates are fetched with `fetch`.
 */
export const createIngestDependencies = (
  config: IngestConfig,
  log: Log,
  counters: IngestCounters,
): IngestDeps => {
  const smn = {
    regions: config.smnRegions,
    endpointOverride: config.smnEndpointOverride,
    topicUrns: config.smnTopicUrns,
  };
  return {
    verifier: createTokenVerifier({
      secretId: config.tokenSecretId,
      cacheTtlMs: config.tokenCacheTtlMs,
      readSecret: createSecretReader(),
    }),
    sqs: createSqsClient(),
    queueUrl: config.sourceQueueUrl,
    defaults: { projectId: config.defaultProjectId, region: config.defaultRegion },
    maxBodyBytes: config.maxBodyBytes,
    smn,
    smnVerifier: createSmnVerifier(smn, fetchUrl),
    fetchUrl,
    log,
    counters,
  };
};

const UNSIGNED_SMN_ELEMENT =
  'an SMN message is taken only alone, as SMN sends it (application/json or text/plain), so that its signature is checked';

/**
 * Checks an SMN message's topic and signature: `undefined` when it may go on, else the answer.
 * A refused message is counted and logged by its type, id and topic, never its content.
 */
const checkSmn = async (
  deps: IngestDeps,
  signed: SmnSigned,
): Promise<IngestResponse | undefined> => {
  const checked = await deps.smnVerifier.check(signed);
  if (checked.ok) return undefined;
  const context = { ...smnContext(signed), why: checked.why };
  if (!checked.refused) {
    deps.log.error(
      'SMN message not checked: its signing certificate could not be read; answering 502 so SMN retries',
      context,
    );
    return jsonResponse(502, {
      message: 'The SMN signing certificate could not be read; send the message again',
    });
  }
  deps.counters.count('EventsRejected', 1, checked.reason);
  deps.log.warn('SMN message refused', context);
  return jsonResponse(403, { message: `SMN message refused: ${checked.why}` });
};

/**
 * Builds the ingest endpoint: a request is authenticated first (without a valid token it is
 * answered 401 and nothing else happens), then size-checked (413), decoded by its content mode
 * (415, 400; nesting deeper than the limit is 400), an SMN message's topic and signature checked
 * (403), and its events validated with `createMonitor`'s parser, so that the endpoint queues
 * exactly what `createMonitor` will accept, with their bodies unchanged (but for characters SQS
 * does not take, escaped). The answer is 2xx only when SQS accepted every event, 502 when SQS
 * failed some for its own reasons (so that the sender retries), 400 naming each event that was
 * invalid or that SQS refused for its content.
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
        error: error instanceof Error ? error.name : 'Error',
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
    const signed = decoded.smn;
    if (signed !== undefined) {
      const refused = await checkSmn(deps, signed);
      if (refused !== undefined) return refused;
    }
    if (decoded.mode === 'smn-control') return handleSmnControl(deps, decoded.smn);

    const { events, mode } = decoded;
    counters.count('EventsReceived', events.length);
    const toQueue: { index: number; body: string }[] = [];
    const rejected: { index: number; reason: string }[] = [];
    let ignored = 0;
    let unsignedSmn = 0;
    events.forEach((body, index) => {
      // A batch-create trace announces several connections and is still queued as one message.
      const parsed = parseConnectionCreated(body, deps.defaults);
      if (parsed.kind === 'ignored') ignored++;
      else if (parsed.kind === 'invalid') rejected.push({ index, reason: parsed.error.message });
      else if (signed === undefined && parsed.events.some((event) => event.viaSmn)) {
        // SMN never batches nor wraps its messages: one that did not come alone, as SMN sends
        // it, had no signature checked, so it is not taken.
        unsignedSmn++;
        rejected.push({ index, reason: UNSIGNED_SMN_ELEMENT });
      } else {
        // Characters SQS refuses are escaped, not refused: the event means the same.
        toQueue.push({ index, body: escapeForSqs(body) });
      }
    });
    counters.count('EventsIgnored', ignored);
    counters.count('EventsRejected', unsignedSmn, 'smn-unsigned');
    counters.count('EventsRejected', rejected.length - unsignedSmn, 'invalid-event');

    const queued = await queueMessages(
      deps.sqs,
      deps.queueUrl,
      toQueue.map((t) => t.body),
    );
    const { failed: transient, refused: refusedBySqs } = queued;
    counters.count('EventsQueued', queued.accepted);
    counters.count('EventsRejected', transient.length, 'queue-failed');
    counters.count('EventsRejected', refusedBySqs.length, 'queue-refused');
    // SQS's refusals for content are the event's fault: named with it, never retried.
    for (const failure of refusedBySqs) {
      rejected.push({
        index: toQueue[failure.index]?.index ?? failure.index,
        reason: `SQS refused the event: ${failure.reason}`,
      });
    }
    rejected.sort((a, b) => a.index - b.index);
    const summary = { mode, received: events.length, queued: queued.accepted, ignored };
    if (transient.length > 0) {
      const codes = [...new Set(transient.map((f) => f.reason.split(':')[0]))];
      log.error('SQS did not accept every event; answering 502 so the sender retries', {
        ...summary,
        notQueued: transient.length,
        codes,
      });
      return jsonResponse(502, {
        message: `SQS did not accept ${transient.length} of ${toQueue.length} events (${codes.join(', ')}); send the request again`,
        ...summary,
        ...(rejected.length > 0 ? { rejected } : {}),
      });
    }
    if (rejected.length > 0) {
      log.warn('ingest events rejected as invalid', { ...summary, rejected });
      return jsonResponse(400, {
        message:
          refusedBySqs.length === 0
            ? `${rejected.length} of ${events.length} events are not valid "VPN connection created" events`
            : `${rejected.length} of ${events.length} events were refused (invalid, or refused by SQS for their content); each is named in "rejected"`,
        ...summary,
        rejected,
      });
    }
    log.info('ingest request handled', summary);
    return jsonResponse(200, summary);
  };
