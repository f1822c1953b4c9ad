import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayRequest } from '../../../lib/replay/options.ts';
import type { ReplayReport } from '../../../lib/replay/report.ts';
import { createLambdaContext, newLogStreamName } from '../../../local/aws/lambda-context.ts';
import { LOCAL_CREDENTIALS } from '../../../local/aws/loopback.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';
import { deadLetter, drain, sqsClient, visibleCount } from './queues.ts';

type Handler = (event: ReplayRequest | null | undefined, context: Context) => Promise<ReplayReport>;

let queues: LocalSqs;
let sqs: SQSClient;
let handlers: { replayDlq: Handler; handler: Handler };

beforeAll(async () => {
  queues = await startSqs();
  sqs = sqsClient(queues.endpoint, queues.region);
  // The handler module reads its configuration at import, like a cold start.
  Object.assign(process.env, {
    AWS_REGION: queues.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: queues.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'replayDlq',
    POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT',
    DLQ_URL: queues.dlqUrl,
    SOURCE_QUEUE_URL: queues.queueUrl,
  });
  handlers = (await import('../../../handlers/replay-dlq.ts')) as typeof handlers;
});

afterAll(async () => {
  sqs?.destroy();
  await queues?.stop();
});

const context = (timeoutMs: number): Context =>
  createLambdaContext(
    {
      functionName: 'replayDlq',
      region: queues.region,
      accountId: '000000000000',
      timeoutMs,
      memoryLimitInMB: 256,
    },
    newLogStreamName(),
  );

const emptyBoth = async (): Promise<void> => {
  await drain(sqs, queues.queueUrl);
  await drain(sqs, queues.dlqUrl);
};

describe.each(['replayDlq', 'handler'] as const)('the replayDlq Lambda (%s)', (name) => {
  it('replays {"max": 2} from the configured DLQ to the configured queue and returns the report', async () => {
    // Prepare
    await emptyBoth();
    for (let i = 0; i < 3; i += 1) await deadLetter(sqs, queues.dlqUrl, { failure: {} });

    // Act
    const report = await handlers[name]({ max: 2 }, context(300_000));

    // Assess
    expect(report).toMatchObject({
      mode: 'copy',
      dlq: queues.dlqUrl,
      to: queues.queueUrl,
      moved: 2,
      stopped: 'max-reached',
    });
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(2);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(1);
  });

  it('stops before its own timeout and returns what it did, the rest visible in the DLQ', async () => {
    // Prepare: 20 messages at 4 per second need 5 s; the function has 3
    await emptyBoth();
    for (let i = 0; i < 20; i += 1) await deadLetter(sqs, queues.dlqUrl, { failure: {} });
    const lambda = context(3_000);

    // Act
    const report = await handlers[name]({ rate: 4 }, lambda);

    // Assess
    expect(lambda.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(report.stopped).toBe('deadline');
    expect(report.moved).toBeGreaterThan(0);
    expect(report.moved).toBeLessThan(20);
    expect(await visibleCount(sqs, queues.queueUrl)).toBe(report.moved);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(20 - report.moved);
  });

  it('refuses a payload with an unknown option, moving nothing', async () => {
    // Prepare
    await emptyBoth();
    await deadLetter(sqs, queues.dlqUrl, { failure: {} });

    // Act
    const invocation = handlers[name]({ maxx: 1 } as ReplayRequest, context(300_000));

    // Assess
    await expect(invocation).rejects.toThrow(/Invalid replay options: Unrecognized key: "maxx"/);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(1);
  });
});
