import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuaweiApiError } from '../../lib/errors.ts';
import { createCredentialsProvider } from '../../lib/huawei/credentials.ts';
import { SECRET_RUN_LENGTH } from '../../lib/huawei/responses.ts';
import { HuaweiVpnClient } from '../../lib/huawei/vpn-client.ts';
import { decide } from '../../lib/retry/policy.ts';
import { PROJECT_ID, plainBody, REGION, sqsRecord, startWorld, type World } from './harness.ts';

// A hostile gateway in front of Huawei echoes the caller's secrets in its answers, at any
// status, with any JSON escape. Whatever it sends, no 16 characters of a secret in a row may
// reach an error message, a DLQ reason or a log line.

let world: World;
let captured = '';
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
const savedEnv = { ...process.env };

beforeAll(async () => {
  world = await startWorld({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  // Kept, not echoed: the test reads what the function wrote.
  const capture = (chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});

afterAll(async () => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  for (const name of [
    'HUAWEICLOUD_SDK_AK',
    'HUAWEICLOUD_SDK_SK',
    'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  ]) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await world?.stop();
});

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`;
const text = (alphabet: string, minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength, maxLength }).map((chars) => chars.join(''));

/** Secrets shaped as Huawei's: a 20-character AK, a 40-character SK, a base64-ish token. */
const secretsArbitrary = fc.record({
  ak: text(`${UPPER}0123456789`, 20, 20),
  sk: text(ALNUM, 40, 40),
  securityToken: text(`${ALNUM}/+=`, 64, 160),
});

type Escape = 'raw' | 'u-lower' | 'u-upper' | 'solidus';

/** A secret written in JSON with a chosen escape for each character: all decode to it. */
const escaped = (secret: string, escapes: readonly Escape[]): string =>
  [...secret]
    .map((char, i) => {
      const code = char.charCodeAt(0).toString(16).padStart(4, '0');
      switch (escapes[i % escapes.length]) {
        case 'u-lower':
          return `\\u${code}`;
        case 'u-upper':
          return `\\u${code.toUpperCase()}`;
        case 'solidus':
          return char === '/' ? '\\/' : char;
        default:
          return char;
      }
    })
    .join('');

/** Statuses of every class a server can end an HTTP/1.1 exchange with (1xx is never final). */
const STATUSES = [200, 201, 202, 301, 302, 307, 400, 401, 403, 404, 409, 429, 500, 502, 503];

/** One echo of every secret, escaped, in every field an answer of the VPN API can carry. */
const hostileBody = (echo: string, raw: string, connectionId: string): string =>
  `{"error_code":"${echo}","error_msg":"refused: ${echo} / ${raw}","code":"${echo}",` +
  `"message":"${echo}","request_id":"${echo}","${echo}":"${echo}",` +
  `"connection_monitor":{"id":"${echo}","vpn_connection_id":"${connectionId}",` +
  `"type":"${echo}","source_ip":"${raw}","destination_ip":"${echo}","status":"${echo}"},` +
  `"connection_monitors":[{"id":"${echo}","vpn_connection_id":"${connectionId}","proto_type":"${echo}"}],` +
  `"vpn_connection":{"id":"${connectionId}","status":"${echo}","name":"${echo}"}}`;

/** Every run of {@link SECRET_RUN_LENGTH} characters of `secret` found in `readable`. */
const leakedRuns = (readable: string, secret: string): string[] => {
  const runs: string[] = [];
  for (let i = 0; i + SECRET_RUN_LENGTH <= secret.length; i++) {
    const run = secret.slice(i, i + SECRET_RUN_LENGTH);
    if (readable.includes(run)) runs.push(run);
  }
  return runs;
};

describe('answers that echo the secrets', () => {
  it('never let 16 characters of a secret in a row reach an error, a DLQ reason or a log', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretsArbitrary,
        fc.array(fc.constantFrom<Escape>('raw', 'u-lower', 'u-upper', 'solidus'), {
          minLength: 1,
          maxLength: 7,
        }),
        fc.constantFrom(...STATUSES),
        fc.boolean(),
        async (secrets, escapes, status, secretInContentType) => {
          // Prepare: Huawei and the function hold these secrets; every answer about this
          // connection is the gateway's echo
          world.huawei.clearFaults();
          await world.clearBreakers();
          await world.drainDlq();
          world.huawei.setCredentials([secrets]);
          process.env.HUAWEICLOUD_SDK_AK = secrets.ak;
          process.env.HUAWEICLOUD_SDK_SK = secrets.sk;
          process.env.HUAWEICLOUD_SDK_SECURITY_TOKEN = secrets.securityToken;
          const id = world.newConnection();
          const all = Object.values(secrets);
          const echo = all.map((secret) => escaped(secret, escapes)).join(' ');
          world.huawei.injectFault({
            kind: 'answer',
            status,
            body: hostileBody(echo, all.join(' '), id),
            ...(secretInContentType ? { contentType: `text/plain; echo=${secrets.ak}` } : {}),
            handled: false,
            connectionId: id,
            times: 1_000,
          });
          captured = '';
          // Act: each call of the client, and the function on the message's last delivery
          const client = new HuaweiVpnClient({
            endpoint: () => world.huawei.endpoint,
            credentials: createCredentialsProvider({ kind: 'environment', ...secrets }, () =>
              Promise.reject(new Error('no secret in this test')),
            ),
            attemptTimeoutMs: 5_000,
          });
          const target = { projectId: PROJECT_ID, region: REGION };
          const errors: unknown[] = [];
          const monitors: unknown[] = [];
          try {
            for (const call of [
              () => client.createMonitor(target, id),
              () => client.listMonitors(target, id),
              () => client.showConnection(target, id),
            ]) {
              await call().then(
                (answer) => monitors.push(answer),
                (error: unknown) => errors.push(error),
              );
            }
          } finally {
            await client.close();
          }
          const settled = await world.newContainer()(
            [sqsRecord(plainBody(id), { receiveCount: 3 })],
            4_000,
          );

          const dlq = await world.drainDlq();
          // Assess: what the operator reads: errors, their decisions, the DLQ, logs, events
          const readable = [
            ...errors.map((error) =>
              error instanceof HuaweiApiError
                ? `${String(error)} ${JSON.stringify(error)} ${decide(error).reason}`
                : String(error),
            ),
            JSON.stringify(monitors),
            JSON.stringify(dlq),
            JSON.stringify(world.eventsFor(id)),
            captured,
          ].join('\n');
          for (const secret of all) expect(leakedRuns(readable, secret)).toEqual([]);
          // and the scenario happened: each call failed or was answered; the message was
          // dead-lettered, published (a 2xx echo that reads as a monitor) or left for later,
          // except when throttled: then its copy waits on the queue (never dead-lettered)
          expect(errors.length + monitors.length).toBe(3);
          const outcomes = dlq.length + world.eventsFor(id).length;
          expect(outcomes + settled.batchItemFailures.length).toBe(status === 429 ? 0 : 1);
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});
