import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/index.ts';
import { FAILURE_ATTRIBUTE } from '../../../lib/dlq/dead-letter.ts';
import {
  ConnectionNotReadyError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  type HuaweiErrorDetails,
  MonitorRefusedError,
} from '../../../lib/errors.ts';
import { type ConnectionCreated, parseConnectionCreated } from '../../../lib/events/parse.ts';
import type { Log } from '../../../lib/log.ts';
import { createDependencies } from '../../../lib/provision/dependencies.ts';
import { createFailureSettlement } from '../../../lib/provision/settle-failure.ts';
import type { QueueMessage } from '../../../lib/provision/types.ts';
import { decide } from '../../../lib/retry/policy.ts';
import { RetryExhaustedError } from '../../../lib/retry/with-retry.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { attributeJson, drain, sqsClient } from '../../integration/replay/queues.ts';

const MAX_RECEIVE_COUNT = 3;
const CONNECTION_ID = 'e47ec7f1-e6c6-4507-bd83-51e6a809978a';
const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
const BODY = JSON.stringify({
  vpn_connection_id: CONNECTION_ID,
  project_id: PROJECT_ID,
  region: 'cn-north-4',
});

/** A log that keeps what it was told, so a test can read the operator's view. */
const recordingLog = () => {
  const lines: Array<{ level: string; message: string }> = [];
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
};

const huaweiError = (details: Partial<HuaweiErrorDetails> & { status: number }) =>
  new HuaweiApiError('create', {
    code: undefined,
    huaweiMessage: undefined,
    requestId: undefined,
    ...details,
  });

const parsedEvent = (): ConnectionCreated => {
  const parsed = parseConnectionCreated(BODY, {});
  const event = parsed.kind === 'connections' ? parsed.events[0] : undefined;
  if (event === undefined) throw new Error('the fixture body must announce one connection');
  return event;
};

describe('settling a failed message', () => {
  let local: LocalSqs;
  let sqs: SQSClient;
  let lines: Array<{ level: string; message: string }>;
  let settlement: ReturnType<typeof createFailureSettlement>;
  let messageCount = 0;

  const settlementFor = (deadLetterQueueUrl: string) => {
    const recorded = recordingLog();
    lines = recorded.lines;
    const config = loadConfig({
      IDEMPOTENCY_TABLE_NAME: 'settle-failure-test',
      DLQ_URL: deadLetterQueueUrl,
      MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      HUAWEICLOUD_SDK_AK: 'settle-failure-test-ak',
      HUAWEICLOUD_SDK_SK: 'settle-failure-test-sk',
    });
    return createFailureSettlement({ ...createDependencies(config, recorded.log), sqs });
  };

  const message = (receiveCount: number): QueueMessage => {
    messageCount += 1;
    return {
      messageId: `message-${messageCount}`,
      body: BODY,
      receiveCount,
      messageAttributes: { trace: { DataType: 'String', StringValue: 'kept' } },
    };
  };

  beforeAll(async () => {
    local = await startSqs();
    sqs = sqsClient(local.endpoint, local.region);
  });

  beforeEach(async () => {
    await drain(sqs, local.dlqUrl);
    settlement = settlementFor(local.dlqUrl);
  });

  afterAll(async () => {
    sqs.destroy();
    await local.stop();
  });

  it('dead-letters a refusal at once, body and attributes unchanged, with the reason', async () => {
    // Prepare
    const refused = message(1);
    const error = huaweiError({ status: 400, code: 'VPN.0001', requestId: 'req-400' });

    // Act
    const outcome = await settlement.settle(refused, parsedEvent(), error, []);

    // Assess
    expect(outcome).toMatchObject({ status: 'dead-lettered', vpnConnectionId: CONNECTION_ID });
    const [dead, ...others] = await drain(sqs, local.dlqUrl);
    expect(others).toHaveLength(0);
    expect(dead?.Body).toBe(BODY);
    expect(dead?.MessageAttributes?.trace?.StringValue).toBe('kept');
    expect(dead && attributeJson(dead, FAILURE_ATTRIBUTE)).toMatchObject({
      kind: 'rejected',
      code: 'VPN.0001',
      status: 400,
      request_id: 'req-400',
      attempts: 1,
      receive_count: 1,
      source_message_id: refused.messageId,
      vpn_connection_id: CONNECTION_ID,
      project_id: PROJECT_ID,
    });
  });

  it('leaves a retryable failure for redelivery before the last delivery, sending nothing', async () => {
    // Prepare
    const error = huaweiError({ status: 503 });
    const exhausted = new RetryExhaustedError(error, 4, {
      ...decide(error),
      disposition: 'retry-later',
    });

    // Act
    const outcome = await settlement.settle(message(1), parsedEvent(), exhausted, ['server-error']);

    // Assess
    expect(outcome).toMatchObject({ status: 'retry-later', retries: ['server-error'] });
    expect(await drain(sqs, local.dlqUrl)).toHaveLength(0);
  });

  it('dead-letters the same failure on the last delivery as retries exhausted', async () => {
    // Prepare
    const error = huaweiError({ status: 503, code: 'VPN.0500' });
    const exhausted = new RetryExhaustedError(error, 4, {
      ...decide(error),
      disposition: 'retry-later',
    });

    // Act
    const outcome = await settlement.settle(
      message(MAX_RECEIVE_COUNT),
      parsedEvent(),
      exhausted,
      [],
    );

    // Assess
    expect(outcome.status).toBe('dead-lettered');
    const [dead] = await drain(sqs, local.dlqUrl);
    expect(dead && attributeJson(dead, FAILURE_ATTRIBUTE)).toMatchObject({
      kind: 'retries-exhausted',
      code: 'VPN.0500',
      status: 503,
      attempts: 4,
      receive_count: MAX_RECEIVE_COUNT,
    });
  });

  it('marks a connection Huawei shows not ready for the wait, even on the last delivery', async () => {
    // Prepare: waiting is measured in time, so the delivery count does not end it
    const notReady = new ConnectionNotReadyError('is PENDING_CREATE', {
      connectionStatus: 'PENDING_CREATE',
    });

    // Act
    const outcome = await settlement.settle(
      message(MAX_RECEIVE_COUNT),
      parsedEvent(),
      notReady,
      [],
    );

    // Assess: nothing dead-lettered; the message settlement sends the delayed copy
    expect(outcome).toMatchObject({ status: 'not-ready', notReady });
    expect(await drain(sqs, local.dlqUrl)).toHaveLength(0);
  });

  it('dead-letters a refusal that state confirmed with the connection status it saw', async () => {
    const refused = new MonitorRefusedError('connection not found', {
      connectionStatus: 'NOT_FOUND',
      cause: huaweiError({ status: 404, code: 'VPN.0004', requestId: 'req-404' }),
    });
    const outcome = await settlement.settle(message(1), parsedEvent(), refused, []);
    expect(outcome.status).toBe('dead-lettered');
    const [dead] = await drain(sqs, local.dlqUrl);
    expect(dead && attributeJson(dead, FAILURE_ATTRIBUTE)).toMatchObject({
      kind: 'rejected',
      code: 'VPN.0004',
      request_id: 'req-404',
      connection_status: 'NOT_FOUND',
    });
  });

  it("dead-letters a record stopped after another's refusal with that refusal's code", async () => {
    // Prepare
    const refusal = huaweiError({ status: 401, code: 'APIGW.0301' });
    const stopped = new HuaweiCallsStoppedError('Huawei calls stopped', { cause: refusal });

    // Act
    const outcome = await settlement.settle(message(MAX_RECEIVE_COUNT), parsedEvent(), stopped, []);

    // Assess
    expect(outcome.status).toBe('dead-lettered');
    const [dead] = await drain(sqs, local.dlqUrl);
    expect(dead && attributeJson(dead, FAILURE_ATTRIBUTE)).toMatchObject({
      kind: 'retries-exhausted',
      code: 'APIGW.0301',
      status: 401,
    });
  });

  it('leaves a connection another invocation holds to it, and on the last delivery dead-letters it with the reason', async () => {
    // Prepare
    const inProgress = new IdempotencyAlreadyInProgressError('in progress');

    // Act
    const early = await settlement.settle(message(1), parsedEvent(), inProgress, []);
    const last = await settlement.settle(message(MAX_RECEIVE_COUNT), parsedEvent(), inProgress, []);

    // Assess: issue 12 — the last delivery may not end silently (if the other invocation died,
    // nobody would publish): it goes to the DLQ saying why; a replay is absorbed if the other
    // invocation finished
    expect(early).toMatchObject({
      status: 'retry-later',
      reason: 'connection in progress in another invocation',
    });
    expect(last.status).toBe('dead-lettered');
    const dlq = await drain(sqs, local.dlqUrl);
    expect(dlq).toHaveLength(1);
  });

  it('leaves the message for redelivery when the dead-letter queue refuses it: nothing is lost', async () => {
    // Prepare: a dead-letter queue that does not exist
    const missing = settlementFor(`${local.endpoint}/000000000000/no-such-dlq`);

    // Act
    const outcome = await missing.settle(
      message(1),
      parsedEvent(),
      huaweiError({ status: 400 }),
      [],
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'retry-later', reason: 'dead-letter send failed' });
    expect(lines.map((line) => line.level)).toContain('error');
  });
});
