import { randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, listenOnLoopback } from '../aws/loopback.ts';
import { createTestCertificate } from './certificate.ts';

/** Options of {@link startSmn}. */
export interface SmnOptions {
  region: string;
  /** The topic's URN; default `urn:smn:<region>:<project>:vpn-connection-events`. */
  topicUrn?: string;
  projectId?: string;
}

/** An SMN HTTP(S) message as SMN POSTs it, snake_case, signed. */
type SmnMessage = Record<string, string>;

/** A running SMN stand-in: one topic, its signing certificate, its console's confirm link. */
export interface LocalSmn {
  /** Where the stand-in answers: ingest's `HUAWEICLOUD_SMN_ENDPOINT` in local runs and tests. */
  endpoint: string;
  topicUrn: string;
  /** `https://smn.<region>.myhuaweicloud.com/smn/SMN_<region>_<hex>.pem`, as real messages carry. */
  signingCertUrl: string;
  /** A signed subscription confirmation whose link is on `host` (default the regional console). */
  confirmation(host?: string): SmnMessage;
  /** A signed notification carrying `message` (a CTS trace as JSON text, for instance). */
  notification(message: string, subject?: string): SmnMessage;
  /** Signs `fields` as SMN does (the message is changed in place and returned). */
  sign(fields: SmnMessage): SmnMessage;
  /** Paths fetched from the stand-in, in order: certificates and confirmation links. */
  fetched(): string[];
  /** POSTs `message` to an HTTP(S) subscription with SMN's `X-SMN-*` headers. */
  deliver(url: string, message: SmnMessage): Promise<Response>;
  stop(): Promise<void>;
}

// Written here apart from ingest's verifier on purpose, from the guide's samples, so that a test
// would catch the verifier building a different string.
const stringToSign = (fields: SmnMessage): string => {
  const names =
    fields.type === 'Notification'
      ? ['message', 'message_id', 'subject', 'timestamp', 'topic_urn', 'type']
      : ['message', 'message_id', 'subscribe_url', 'timestamp', 'topic_urn', 'type'];
  return names
    .filter((name) => !(name === 'subject' && !fields.subject))
    .map((name) => `${name}\n${fields[name] ?? ''}\n`)
    .join('');
};

/**
 * Starts an SMN stand-in on loopback. It signs messages as SMN's "Message Signature
 * Verification" describes (sorted `name\nvalue\n` lines, RSA over SHA-256, base64) with a key
 * and certificate made at start, serves that certificate on `/smn/<name>.pem`, and answers the
 * confirmation link `/smn/subscription/confirm` with what SMN's ConfirmSubscription answers.
 * Ingest reaches it through `HUAWEICLOUD_SMN_ENDPOINT`, which changes only where an allowed
 * URL is fetched: the messages carry Huawei's real host names.
 */
export const startSmn = async (options: SmnOptions): Promise<LocalSmn> => {
  const { region } = options;
  const projectId = options.projectId ?? randomBytes(16).toString('hex');
  const topicUrn = options.topicUrn ?? `urn:smn:${region}:${projectId}:vpn-connection-events`;
  const certificate = createTestCertificate(`smn.${region}.myhuaweicloud.com`);
  const certPath = `/smn/SMN_${region}_${randomBytes(16).toString('hex')}.pem`;
  const fetched: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://smn.local');
    fetched.push(`${url.pathname}${url.search}`);
    if (request.method === 'GET' && url.pathname === certPath) {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' });
      response.end(certificate.pem);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/smn/subscription/confirm') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          request_id: randomBytes(16).toString('hex'),
          subscription_urn: `${topicUrn}:${randomBytes(16).toString('hex')}`,
        }),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"message":"not found"}');
  });
  const endpoint = await listenOnLoopback(server);
  const signingCertUrl = `https://smn.${region}.myhuaweicloud.com${certPath}`;

  const signFields = (fields: SmnMessage): SmnMessage => {
    const text = stringToSign(fields);
    fields.signature = sign('sha256', Buffer.from(text, 'utf8'), certificate.privateKey).toString(
      'base64',
    );
    return fields;
  };
  const common = (type: string, message: string): SmnMessage => ({
    type,
    topic_urn: topicUrn,
    message_id: randomBytes(16).toString('hex'),
    message,
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    signature_version: 'v1',
    signing_cert_url: signingCertUrl,
  });

  return {
    endpoint,
    topicUrn,
    signingCertUrl,
    confirmation: (host = `${region}-console.huaweicloud.com`) =>
      signFields({
        ...common(
          'SubscriptionConfirmation',
          `You are invited to subscribe to topic: ${topicUrn}. To confirm this subscription, please visit the subscribe_url included in this message. The subscribe_url is valid only within 48 hours.`,
        ),
        subscribe_url: `https://${host}/smn/subscription/confirm?token=${randomBytes(32).toString('hex')}&topic_urn=${topicUrn}&region=${region}&region_id=${region}`,
      }),
    notification: (message, subject) =>
      signFields({
        ...common('Notification', message),
        ...(subject === undefined ? {} : { subject }),
        unsubscribe_url: `https://${region}-console.huaweicloud.com/smn/subscription/unsubscribe?region=${region}&region_id=${region}&subscription_urn=${topicUrn}:${randomBytes(16).toString('hex')}`,
      }),
    sign: signFields,
    fetched: () => [...fetched],
    deliver: (url, message) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'x-smn-message-type': message.type ?? '',
          'x-smn-message-id': message.message_id ?? '',
          'x-smn-topic-urn': message.topic_urn ?? '',
        },
        body: JSON.stringify(message),
      }),
    stop: () => closeServer(server),
  };
};
