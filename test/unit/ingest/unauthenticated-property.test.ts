import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngest } from '../../../lib/ingest/ingest.ts';
import type { IngestRequest } from '../../../lib/ingest/request.ts';
import { createSmnVerifier } from '../../../lib/ingest/smn-signature.ts';
import { createTokenVerifier } from '../../../lib/ingest/tokens.ts';
import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { silentLog } from './helpers.ts';

const CURRENT = 'Zm9yLXRlc3RzLW9ubHktY3VycmVudC10b2tlbi0wMDAx';
const PREVIOUS = 'Zm9yLXRlc3RzLW9ubHktcHJldmlvdXMtdG9rZW4tMDAwMg';
const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';

let sqs: LocalSqs;
let client: SQSClient;
let sends = 0;
let ingest: (request: IngestRequest) => Promise<{ statusCode: number }>;

beforeAll(async () => {
  sqs = await startSqs();
  client = new SQSClient({
    endpoint: sqs.endpoint,
    region: sqs.region,
    credentials: LOCAL_CREDENTIALS,
  });
  // Counts every call the function makes to SQS, whatever it is.
  client.middlewareStack.add(
    (next) => async (args) => {
      sends++;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const smn = { regions: ['cn-north-4'], endpointOverride: undefined };
  const fetchUrl = () => Promise.reject(new Error('no URL may be fetched without a valid token'));
  ingest = createIngest({
    verifier: createTokenVerifier({
      secretId: 'ingest-token',
      readSecret: async () => JSON.stringify({ current: CURRENT, previous: PREVIOUS }),
      cacheTtlMs: 60_000,
    }),
    sqs: client,
    queueUrl: sqs.queueUrl,
    defaults: { projectId: PROJECT_ID, region: 'cn-north-4' },
    maxBodyBytes: 1024 * 1024,
    smn,
    smnVerifier: createSmnVerifier(smn, fetchUrl),
    fetchUrl,
    log: silentLog,
    counters: { count: () => undefined },
  });
});
afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

const messagesOnQueue = async (): Promise<number> => {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: sqs.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
};

/** Tokens that are not valid but look like one: edits, prefixes, case, whitespace, the other place. */
const nearMiss = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom(CURRENT, PREVIOUS).chain((token) =>
      fc.oneof(
        fc.nat({ max: token.length - 1 }).map((n) => token.slice(0, n)),
        fc.string({ minLength: 1, maxLength: 3 }).map((s) => `${token}${s}`),
        fc.string({ minLength: 1, maxLength: 3 }).map((s) => `${s}${token}`),
        fc.nat({ max: token.length - 1 }).map((i) => {
          const c = token[i] === 'A' ? 'B' : 'A';
          return `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
        }),
        fc.constant(token.toLowerCase()),
        fc.constant(token.toUpperCase()),
        fc.constant(`${token} ${token}`),
        fc.constant(`${token}\n`),
        fc.constant(encodeURIComponent(`${token}/`)),
      ),
    ),
    // Padding around a token is not a different token ("Bearer  <token>" is valid).
  )
  .filter((t) => t.trim() !== CURRENT && t.trim() !== PREVIOUS);

const announcing = () =>
  JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: 'HC.VPN',
    type: 'VPN:CloudTrace:ApiCall',
    data: { trace_name: 'createVpnConnection', resource_id: randomUUID(), project_id: PROJECT_ID },
  });

const authorization = fc.option(
  fc.oneof(
    nearMiss.map((t) => `Bearer ${t}`),
    nearMiss.map((t) => `Basic ${t}`),
    nearMiss,
    fc.constantFrom(CURRENT, PREVIOUS).map((t) => `Token ${t}`),
    fc.constantFrom(CURRENT, PREVIOUS).map((t) => `Bearer${t}`),
  ),
  { nil: undefined },
);

const request = (tokenInPath: fc.Arbitrary<string | undefined>) =>
  fc.record({
    method: fc.constantFrom('POST', 'GET', 'PUT', 'post'),
    headers: fc.record({
      authorization,
      'content-type': fc.constantFrom(
        'application/cloudevents+json',
        'application/cloudevents-batch+json',
        'application/json',
        'text/plain',
        'text/xml',
      ),
      'ce-specversion': fc.option(fc.constant('1.0'), { nil: undefined }),
      'x-ingest-token': fc.option(fc.constantFrom(CURRENT, PREVIOUS), { nil: undefined }),
    }),
    pathToken: tokenInPath,
    body: fc.oneof(
      fc.constant(null).map(announcing),
      fc.constant(null).map(() => `[${announcing()},${announcing()}]`),
      fc.string(),
      fc.json(),
    ),
  });

const toRequest = (r: {
  method: string;
  headers: Record<string, string | undefined>;
  pathToken: string | undefined;
  body: string;
}): IngestRequest => ({ ...r, body: Buffer.from(r.body, 'utf8') });

describe('requests without a valid token', () => {
  it('put nothing on the queue and make no SQS call, for 10,000 arbitrary requests', async () => {
    await fc.assert(
      fc.asyncProperty(request(fc.option(nearMiss, { nil: undefined })), async (r) => {
        const response = await ingest(toRequest(r));
        expect(response.statusCode).toBe(401);
      }),
      { numRuns: 10_000 },
    );

    expect(sends).toBe(0);
    expect(await messagesOnQueue()).toBe(0);
  });

  it('would have been noticed: the same requests with a valid token do reach the queue', async () => {
    await fc.assert(
      fc.asyncProperty(
        request(fc.constantFrom(CURRENT, PREVIOUS)).filter(
          (r) =>
            r.method === 'POST' && r.headers['content-type'] === 'application/cloudevents+json',
        ),
        async (r) => {
          const response = await ingest(
            toRequest({
              ...r,
              headers: { ...r.headers, 'ce-specversion': undefined },
              body: announcing(),
            }),
          );
          expect(response.statusCode).toBe(200);
        },
      ),
      { numRuns: 20 },
    );

    expect(sends).toBeGreaterThan(0);
    expect(await messagesOnQueue()).toBe(20);
  });
});
