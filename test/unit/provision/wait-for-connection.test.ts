import {
  GetQueueAttributesCommand,
  type SendMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/index.ts';
import { WAIT_ATTRIBUTE } from '../../../lib/dlq/dead-letter.ts';
import { ConnectionNotReadyError, HuaweiApiError } from '../../../lib/errors.ts';
import { createLogger } from '../../../lib/log.ts';
import { readWaitState } from '../../../lib/provision/postpone.ts';
import type { ReasonDraft } from '../../../lib/provision/settle-failure.ts';
import type { ConnectionOutcome, QueueMessage } from '../../../lib/provision/types.ts';
import { createConnectionWait } from '../../../lib/provision/wait-for-connection.ts';
import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';

// The wait step against the SQS emulator: what the delayed copy carries, how its delay grows
// and when the wait is over. The clock is the test's, so an hour passes at once. The copies are
// really sent (the emulator holds them, delayed); what was sent is read back from the client's
// own middleware, since a delayed message cannot be received before its delay is over.

const CONNECTION = '3b9f6d2e-8c41-4a7f-b5e3-0d6c9a2f1e84';
const START = Date.parse('2026-12-01T09:00:00.000Z');

let sqs: LocalSqs;
let client: SQSClient;
const sent: SendMessageCommandInput[] = [];

beforeAll(async () => {
  sqs = await startSqs({ visibilityTimeoutSeconds: 1 });
  client = new SQSClient({
    endpoint: sqs.endpoint,
    region: sqs.region,
    credentials: LOCAL_CREDENTIALS,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageCommand')
        sent.push(args.input as SendMessageCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordSends' },
  );
});

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

const setup = (clock: { now: number }) => {
  const dead: ReasonDraft[] = [];
  const config = loadConfig({
    HUAWEICLOUD_SDK_AK: 'AK',
    HUAWEICLOUD_SDK_SK: 'SK',
    IDEMPOTENCY_TABLE_NAME: 'table',
    DLQ_URL: sqs.dlqUrl,
    NOT_READY_DELAY_SECONDS: '30',
    NOT_READY_MAX_WAIT_SECONDS: '3600',
  });
  const log = createLogger();
  log.setLogLevel('SILENT');
  const wait = createConnectionWait(
    { config, log, sqs: client, now: () => clock.now },
    async (message, draft, retries) => {
      dead.push(draft);
      return { messageId: message.messageId, status: 'dead-lettered', retries };
    },
  );
  return { wait, dead };
};

const notReady: ConnectionOutcome = {
  messageId: 'm',
  vpnConnectionId: CONNECTION,
  status: 'not-ready',
  retries: [],
  notReady: new ConnectionNotReadyError(`${CONNECTION} is PENDING_CREATE`, {
    connectionStatus: 'PENDING_CREATE',
    projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
    cause: new HuaweiApiError('create', {
      status: 409,
      code: 'VPN.0016',
      huaweiMessage: 'not ready',
      requestId: 'req-1',
    }),
  }),
};

/** The last copy sent, as the next delivery of it would be. */
const lastCopy = (now: number): QueueMessage => {
  const input = sent.at(-1);
  expect(input?.QueueUrl).toBe(sqs.queueUrl);
  return {
    messageId: `copy-${sent.length}`,
    body: input?.MessageBody ?? '',
    receiveCount: 1,
    sentAt: now,
    messageAttributes: input?.MessageAttributes ?? {},
    queueUrl: sqs.queueUrl,
  };
};

const delayedOnQueue = async (): Promise<number> => {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: sqs.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessagesDelayed);
};

describe('waiting for a connection with delayed copies', () => {
  it('sends one copy per look, with the wait state and the other attributes, the delay doubling', async () => {
    // Prepare: a delivery with an attribute of its own (a reconcile run's, say), on what would
    // be its last delivery by MAX_RECEIVE_COUNT: the wait goes on regardless
    const clock = { now: START };
    const { wait } = setup(clock);
    let message: QueueMessage = {
      messageId: 'original',
      body: JSON.stringify({ vpn_connection_id: CONNECTION }),
      receiveCount: 5,
      sentAt: START - 2_000,
      messageAttributes: { vpn_monitor_origin: { DataType: 'String', StringValue: 'reconcile' } },
      queueUrl: sqs.queueUrl,
    };
    const delays: number[] = [];
    const before = await delayedOnQueue();
    // Act: three looks, each on the copy the previous one sent
    for (let look = 0; look < 3; look++) {
      const outcome = await wait(message, [notReady], []);
      expect(outcome.status).toBe('postponed');
      delays.push(outcome.delaySeconds ?? -1);
      expect(sent.at(-1)?.DelaySeconds).toBe(outcome.delaySeconds);
      message = lastCopy(clock.now);
      clock.now += 60_000;
    }
    // Assess
    expect(delays).toEqual([30, 60, 120]);
    expect(await delayedOnQueue()).toBe(before + 3);
    const state = readWaitState(message.messageAttributes);
    expect(state).toEqual({
      first_seen: new Date(START).toISOString(),
      event_time: new Date(START - 2_000).toISOString(),
      tries: 3,
      last_status: 'PENDING_CREATE',
    });
    expect(message.messageAttributes.vpn_monitor_origin?.StringValue).toBe('reconcile');
    expect(message.body).toBe(JSON.stringify({ vpn_connection_id: CONNECTION }));
  });

  it('dead-letters a connection still not ready after NOT_READY_MAX_WAIT_SECONDS, with the last status', async () => {
    // Prepare: a copy first seen not ready just over an hour ago
    const clock = { now: START + 3_601_000 };
    const { wait, dead } = setup(clock);
    const message: QueueMessage = {
      messageId: 'copy',
      body: '{}',
      receiveCount: 1,
      messageAttributes: {
        [WAIT_ATTRIBUTE]: {
          DataType: 'String',
          StringValue: JSON.stringify({
            first_seen: new Date(START).toISOString(),
            tries: 7,
            last_status: 'PENDING_CREATE',
          }),
        },
      },
      queueUrl: sqs.queueUrl,
    };
    // Act
    const outcome = await wait(message, [notReady], []);
    // Assess
    expect(outcome.status).toBe('dead-lettered');
    expect(dead).toEqual([
      expect.objectContaining({
        kind: 'not-ready-timeout',
        connection_status: 'PENDING_CREATE',
        code: 'VPN.0016',
        request_id: 'req-1',
        attempts: 8,
        vpn_connection_id: CONNECTION,
      }),
    ]);
  });

  it('never asks again past the budget: the last delay is what is left of it', async () => {
    const clock = { now: START + 3_590_000 };
    const { wait } = setup(clock);
    const outcome = await wait(
      {
        messageId: 'copy',
        body: '{}',
        receiveCount: 1,
        messageAttributes: {
          [WAIT_ATTRIBUTE]: {
            DataType: 'String',
            StringValue: JSON.stringify({
              first_seen: new Date(START).toISOString(),
              tries: 7,
              last_status: 'PENDING_CREATE',
            }),
          },
        },
        queueUrl: sqs.queueUrl,
      },
      [notReady],
      [],
    );
    expect(outcome).toMatchObject({ status: 'postponed', delaySeconds: 10 });
    expect(readWaitState(lastCopy(clock.now).messageAttributes)?.tries).toBe(8);
  });
});
