import {
  GetQueueAttributesCommand,
  type SendMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/index.ts';
import { ConnectionNotReadyError, HuaweiApiError } from '../../../lib/errors.ts';
import type { Log } from '../../../lib/log.ts';
import { createExecutor } from '../../../lib/provision/carry-out.ts';
import { connectionOutcome, messageFacts, settle } from '../../../lib/provision/settlement.ts';
import type { ConnectionOutcome, QueueMessage } from '../../../lib/provision/types.ts';
import {
  FAILURE_ATTRIBUTE,
  REQUEUE_ATTRIBUTE,
  readWaitState,
  WAIT_ATTRIBUTE,
} from '../../../lib/queue/index.ts';

/** createMonitor's default MAX_RECEIVE_COUNT: a message delivered this often is on its last. */
const LAST_DELIVERY = 5;

import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { attributeJson, drain } from '../../integration/replay/queues.ts';

// The executor against the SQS emulator: what a dead-letter, a delayed copy and a requeue put on
// the queues, and that a refused send never loses the message. What was sent is also read back
// from the client's own middleware, since a delayed message cannot be received before its delay.

const CONNECTION = 'e47ec7f1-e6c6-4507-bd83-51e6a809978a';
const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const BODY = JSON.stringify({ vpn_connection_id: CONNECTION, project_id: PROJECT_ID });
const START = Date.parse('2026-12-01T09:00:00.000Z');

let local: LocalSqs;
let sqs: SQSClient;
const sent: SendMessageCommandInput[] = [];
let messageCount = 0;

/** A log that keeps the levels it was told at, so a test can read the operator's view. */
const recordingLog = () => {
  const levels: string[] = [];
  const at = (level: string) => (): void => {
    levels.push(level);
  };
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, levels };
};

const executorFor = (deadLetterQueueUrl: string, clock = { now: START }) => {
  const { log, levels } = recordingLog();
  const config = loadConfig({
    IDEMPOTENCY_TABLE_NAME: 'carry-out-test',
    DLQ_URL: deadLetterQueueUrl,
    HUAWEICLOUD_SDK_AK: 'carry-out-test-ak',
    HUAWEICLOUD_SDK_SK: 'carry-out-test-sk',
    NOT_READY_DELAY_SECONDS: '30',
    NOT_READY_MAX_WAIT_SECONDS: '3600',
  });
  const carryOut = createExecutor({ config, log, sqs, now: () => clock.now });
  const factsOf = (message: QueueMessage) => messageFacts(message, config, clock.now);
  /** Settles `message` whose one connection failed with `error`, and carries it out. */
  const settleFailure = (message: QueueMessage, error: unknown) => {
    const facts = factsOf(message);
    const parts: ConnectionOutcome[] = [
      connectionOutcome(
        facts,
        { vpnConnectionId: CONNECTION, projectId: PROJECT_ID },
        error,
        [],
        0,
      ),
    ];
    return carryOut(message, settle(facts, parts), parts);
  };
  expect(config.maxReceiveCount).toBe(LAST_DELIVERY);
  return { settleFailure, levels };
};

const message = (receiveCount: number, extra: Partial<QueueMessage> = {}): QueueMessage => {
  messageCount += 1;
  return {
    messageId: `message-${messageCount}`,
    body: BODY,
    receiveCount,
    messageAttributes: { trace: { DataType: 'String', StringValue: 'kept' } },
    traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
    ...extra,
  };
};

const huaweiError = (status: number, code?: string) =>
  new HuaweiApiError('create', { status, code, huaweiMessage: undefined, requestId: 'req-1' });

beforeAll(async () => {
  local = await startSqs();
  sqs = new SQSClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: LOCAL_CREDENTIALS,
  });
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageCommand')
        sent.push(args.input as SendMessageCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordSends' },
  );
});

beforeEach(async () => {
  await drain(sqs, local.dlqUrl);
});

afterAll(async () => {
  sqs?.destroy();
  await local?.stop();
});

describe('dead-lettering', () => {
  it('sends the body and attributes unchanged with the reason, and the trace header', async () => {
    // Prepare
    const { settleFailure } = executorFor(local.dlqUrl);
    const refused = message(1, {
      messageAttributes: {
        trace: { DataType: 'String', StringValue: 'kept' },
        [WAIT_ATTRIBUTE]: { DataType: 'String', StringValue: '{"stale":true}' },
      },
    });

    // Act
    const outcome = await settleFailure(refused, huaweiError(400, 'VPN.0001'));

    // Assess
    expect(outcome).toMatchObject({ status: 'dead-lettered', vpnConnectionId: CONNECTION });
    const [dead, ...others] = await drain(sqs, local.dlqUrl);
    expect(others).toHaveLength(0);
    expect(dead?.Body).toBe(BODY);
    expect(dead?.MessageAttributes?.trace?.StringValue).toBe('kept');
    expect(dead?.MessageAttributes?.[WAIT_ATTRIBUTE]).toBeUndefined();
    expect(sent.at(-1)?.MessageSystemAttributes?.AWSTraceHeader?.StringValue).toBe(
      refused.traceHeader,
    );
    expect(dead && attributeJson(dead, FAILURE_ATTRIBUTE)).toMatchObject({
      kind: 'rejected',
      code: 'VPN.0001',
      status: 400,
      request_id: 'req-1',
      attempts: 1,
      receive_count: 1,
      source_message_id: refused.messageId,
      vpn_connection_id: CONNECTION,
      project_id: PROJECT_ID,
      failed_at: new Date(START).toISOString(),
    });
  });

  it('leaves the message for redelivery when the dead-letter queue refuses it: nothing is lost', async () => {
    // Prepare: a dead-letter queue that does not exist
    const { settleFailure, levels } = executorFor(`${local.endpoint}/000000000000/no-such-dlq`);

    // Act
    const outcome = await settleFailure(message(1), huaweiError(400));

    // Assess
    expect(outcome).toMatchObject({ status: 'retry-later', reason: 'dead-letter send failed' });
    expect(levels).toContain('error');
  });
});

const notReady = new ConnectionNotReadyError(`${CONNECTION} is PENDING_CREATE`, {
  connectionStatus: 'PENDING_CREATE',
  projectId: PROJECT_ID,
  cause: huaweiError(409, 'VPN.0016'),
});

/** The last copy sent, as the next delivery of it would be. */
const lastCopy = (now: number): QueueMessage => {
  const input = sent.at(-1);
  expect(input?.QueueUrl).toBe(local.queueUrl);
  return {
    messageId: `copy-${sent.length}`,
    body: input?.MessageBody ?? '',
    receiveCount: 1,
    sentAt: now,
    messageAttributes: input?.MessageAttributes ?? {},
    queueUrl: local.queueUrl,
  };
};

const delayedOnQueue = async (): Promise<number> => {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: local.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessagesDelayed);
};

describe('waiting with delayed copies', () => {
  it('sends one copy per look, with the wait state and the other attributes, the delay doubling', async () => {
    // Prepare: a delivery with an attribute of its own (a reconcile run's), on what would be
    // its last delivery by MAX_RECEIVE_COUNT: the wait goes on regardless
    const clock = { now: START };
    const { settleFailure } = executorFor(local.dlqUrl, clock);
    let current: QueueMessage = message(5, {
      sentAt: START - 2_000,
      messageAttributes: { vpn_monitor_origin: { DataType: 'String', StringValue: 'reconcile' } },
      queueUrl: local.queueUrl,
    });
    const delays: number[] = [];
    const before = await delayedOnQueue();

    // Act: three looks, each on the copy the previous one sent
    for (let look = 0; look < 3; look++) {
      const outcome = await settleFailure(current, notReady);
      expect(outcome.status).toBe('postponed');
      delays.push(outcome.delaySeconds ?? -1);
      expect(sent.at(-1)?.DelaySeconds).toBe(outcome.delaySeconds);
      current = lastCopy(clock.now);
      clock.now += 60_000;
    }

    // Assess
    expect(delays).toEqual([30, 60, 120]);
    expect(await delayedOnQueue()).toBe(before + 3);
    expect(readWaitState(current.messageAttributes)).toEqual({
      first_seen: new Date(START).toISOString(),
      event_time: new Date(START - 2_000).toISOString(),
      tries: 3,
      last_status: 'PENDING_CREATE',
    });
    expect(current.messageAttributes.vpn_monitor_origin?.StringValue).toBe('reconcile');
    expect(current.body).toBe(BODY);
    expect(await drain(sqs, local.dlqUrl)).toHaveLength(0);
  });

  it('dead-letters with the reason on the last delivery when the copy cannot be sent', async () => {
    // Prepare: a source queue that does not exist
    const { settleFailure } = executorFor(local.dlqUrl);
    const stranded = message(LAST_DELIVERY, {
      queueUrl: `${local.endpoint}/000000000000/no-such-queue`,
    });

    // Act
    const outcome = await settleFailure(stranded, notReady);

    // Assess
    expect(outcome.status).toBe('dead-lettered');
    const [dead] = await drain(sqs, local.dlqUrl);
    expect(dead && attributeJson(dead, FAILURE_ATTRIBUTE)).toMatchObject({
      kind: 'retries-exhausted',
      connection_status: 'PENDING_CREATE',
    });
  });
});

describe('a throttled message on its last delivery', () => {
  it('is sent again as a delayed copy counting its requeues, without a stale failure', async () => {
    // Prepare
    const { settleFailure } = executorFor(local.dlqUrl);
    const throttled = message(LAST_DELIVERY, {
      queueUrl: local.queueUrl,
      messageAttributes: {
        [REQUEUE_ATTRIBUTE]: { DataType: 'Number', StringValue: '2' },
        [FAILURE_ATTRIBUTE]: { DataType: 'String', StringValue: '{"kind":"rejected"}' },
      },
    });

    // Act
    const outcome = await settleFailure(throttled, huaweiError(429));

    // Assess
    expect(outcome).toMatchObject({ status: 'postponed', delaySeconds: 2 });
    const copy = sent.at(-1);
    expect(copy).toMatchObject({ QueueUrl: local.queueUrl, DelaySeconds: 2, MessageBody: BODY });
    expect(copy?.MessageAttributes?.[REQUEUE_ATTRIBUTE]?.StringValue).toBe('3');
    expect(copy?.MessageAttributes?.[FAILURE_ATTRIBUTE]).toBeUndefined();
    expect(copy?.MessageSystemAttributes?.AWSTraceHeader?.StringValue).toBe(throttled.traceHeader);
  });
});
