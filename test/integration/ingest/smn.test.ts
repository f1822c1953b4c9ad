import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback } from '../../../local/aws/loopback.ts';
import { type IngestWorld, startIngestWorld } from './helpers.ts';

/** A server that answers 200 to anything and remembers what was asked of it. */
const startRecorder = async () => {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"request_id":"ok"}');
  });
  const endpoint = await listenOnLoopback(server);
  return { endpoint, paths, stop: () => closeServer(server) };
};

let world: IngestWorld;
let smn: Awaited<ReturnType<typeof startRecorder>>;
let foreign: Awaited<ReturnType<typeof startRecorder>>;
beforeAll(async () => {
  smn = await startRecorder();
  foreign = await startRecorder();
  // The loopback stand-in replaces https://smn.{region}.myhuaweicloud.com, as in a local run.
  world = await startIngestWorld({ env: { HUAWEICLOUD_SMN_ENDPOINT: smn.endpoint } });
});
afterAll(async () => {
  await world?.stop();
  await smn?.stop();
  await foreign?.stop();
});

const TOPIC = 'urn:smn:cn-north-4:0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b:vpn-connection-events';

/** A subscription confirmation as SMN sends it: snake_case, with the X-SMN-* headers. */
const confirmation = (subscribeUrl: string) =>
  fetch(`${world.url}/${world.tokens.current}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-smn-message-type': 'SubscriptionConfirmation',
      'x-smn-topic-urn': TOPIC,
    },
    body: JSON.stringify({
      type: 'SubscriptionConfirmation',
      signature_version: 'v1',
      topic_urn: TOPIC,
      message_id: 'def5c309cbff44d5a870787ed937edf8',
      message: `You are invited to subscribe to topic: ${TOPIC}.`,
      subscribe_url: subscribeUrl,
      timestamp: '2026-12-01T09:00:00Z',
      signature: 'c2lnbmF0dXJl',
      signing_cert_url: 'https://smn.cn-north-4.myhuaweicloud.com/smn/cert.pem',
    }),
  });

describe('SMN subscription confirmation', () => {
  it('fetches a subscribe_url on the configured SMN endpoint and answers 200', async () => {
    const response = await confirmation(
      `${smn.endpoint}/smn/subscription/confirm?token=abc&topic_urn=${TOPIC}`,
    );

    expect(response.status).toBe(200);
    expect(smn.paths).toEqual([`/smn/subscription/confirm?token=abc&topic_urn=${TOPIC}`]);
    expect(await world.drain()).toEqual([]);
  });

  it.each([
    ['another host', () => `${foreign.endpoint}/smn/subscription/confirm?token=abc`],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    ['another https host', () => 'https://smn.example.com/smn/subscription/confirm'],
    ['the SMN host with credentials', () => `${smn.endpoint.replace('//', '//user:pw@')}/x`],
    ['no URL at all', () => 'not a url'],
  ])('refuses a subscribe_url on %s and fetches nothing', async (_name, url) => {
    const before = { smn: smn.paths.length, foreign: foreign.paths.length };

    const response = await confirmation(url());

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('refused');
    expect(smn.paths.length).toBe(before.smn);
    expect(foreign.paths.length).toBe(before.foreign);
  });
});
