import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BatchReport,
  runEventSourceMapping,
  type SqsBatchHandler,
} from '../../../local/aws/event-source-mapping.ts';
import { type LocalSqs, startSqs } from '../../../local/aws/sqs.ts';

describe('runEventSourceMapping', () => {
  let sqs: LocalSqs;
  let client: SQSClient;

  const send = async (body: string, attributes: SendMessageAttributes = {}) => {
    const { MessageId, MD5OfMessageBody } = await client.send(
      new SendMessageCommand({
        QueueUrl: sqs.queueUrl,
        MessageBody: body,
        MessageAttributes: attributes,
      }),
    );
    if (MessageId === undefined || MD5OfMessageBody === undefined) {
      throw new Error('SendMessage answered without MessageId or MD5OfMessageBody');
    }
    return { messageId: MessageId, md5OfBody: MD5OfMessageBody };
  };

  const run = (handler: SqsBatchHandler, onBatch?: (report: BatchReport) => void) =>
    runEventSourceMapping({
      sqs: client,
      queueUrl: sqs.queueUrl,
      queueArn: sqs.queueArn,
      handler,
      functionName: 'createMonitor',
      functionTimeoutMs: 5_000,
      untilEmpty: true,
      ...(onBatch === undefined ? {} : { onBatch }),
    });

  beforeEach(async () => {
    sqs = await startSqs({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: sqs.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterEach(async () => {
    client.destroy();
    await sqs.stop();
  });

  it('delivers a sent message as a Lambda SQS record and deletes it after success', async () => {
    // Prepare
    const sent = await send('{"vpn_connection_id":"x"}', {
      kind: { DataType: 'String', StringValue: 'created' },
      attempt: { DataType: 'Number', StringValue: '1' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
    });
    const seen: Array<{ event: SQSEvent; context: Context; remainingMs: number }> = [];
    const reports: BatchReport[] = [];

    // Act
    const stats = await run(
      async (event, context) => {
        seen.push({ event, context, remainingMs: context.getRemainingTimeInMillis() });
      },
      (report) => reports.push(report),
    ).finished;

    // Assess
    expect(seen).toHaveLength(1);
    const record = seen[0]?.event.Records[0];
    expect(record).toEqual({
      messageId: sent.messageId,
      receiptHandle: expect.any(String),
      body: '{"vpn_connection_id":"x"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        kind: {
          stringValue: 'created',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
        attempt: {
          stringValue: '1',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'Number',
        },
        blob: {
          binaryValue: Buffer.from('hi').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
          dataType: 'Binary',
        },
      },
      md5OfBody: sent.md5OfBody,
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: sqs.queueArn,
      awsRegion: 'eu-west-1',
    } satisfies SQSRecord);
    expect(seen[0]?.context).toMatchObject({
      functionName: 'createMonitor',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:createMonitor',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/createMonitor',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(seen[0]?.remainingMs).toBeGreaterThan(0);
    expect(seen[0]?.remainingMs).toBeLessThanOrEqual(5_000);
    expect(stats).toMatchObject({ batches: 1, recordsDelivered: 1, deleted: 1, failed: 0 });
    expect(reports).toEqual([expect.objectContaining({ records: 1, deleted: 1, failed: 0 })]);
    expect(await queueCounts()).toEqual(['0', '0', '0']);
  });

  it('redelivers a reported failure and lets SQS move it to the DLQ after maxReceiveCount', async () => {
    // Prepare
    await send('good');
    const bad = await send('bad');
    const deliveries: Array<[string, string]> = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      for (const r of event.Records)
        deliveries.push([r.body, r.attributes.ApproximateReceiveCount]);
      const failed = event.Records.filter((r) => r.body === 'bad');
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    };

    // Act
    const stats = await run(handler).finished;

    // Assess
    expect(deliveries.filter(([body]) => body === 'good')).toEqual([['good', '1']]);
    expect(deliveries.filter(([body]) => body === 'bad')).toEqual([
      ['bad', '1'],
      ['bad', '2'],
    ]);
    expect(stats).toMatchObject({ deleted: 1, failed: 2, handlerErrors: 0 });
    expect(await dlqMessageIds()).toEqual([bad.messageId]);
  });

  it('deletes nothing from a batch whose invocation throws', async () => {
    // Prepare
    await send('one');
    await send('two');
    let calls = 0;
    const handler = async (event: SQSEvent) => {
      calls += 1;
      if (calls === 1 && event.Records.length > 0) throw new Error('boom');
    };

    // Act
    const stats = await run(handler).finished;

    // Assess
    expect(stats.handlerErrors).toBe(1);
    expect(stats.recordsDelivered).toBe(4);
    expect(stats.deleted).toBe(2);
    expect(await dlqMessageIds()).toEqual([]);
  });

  it('fails a batch whose handler runs past the function timeout', async () => {
    // Prepare
    await send('slow');
    let calls = 0;
    const handler = async () => {
      calls += 1;
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 300));
    };

    // Act
    const stats = await runEventSourceMapping({
      sqs: client,
      queueUrl: sqs.queueUrl,
      queueArn: sqs.queueArn,
      handler,
      functionTimeoutMs: 50,
      untilEmpty: true,
    }).finished;

    // Assess
    expect(stats).toMatchObject({ invocations: 2, timeouts: 1, handlerErrors: 1, deleted: 1 });
  });

  it('finishes the batch in flight before stop() resolves', async () => {
    // Prepare
    await send('in flight');
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const mapping = runEventSourceMapping({
      sqs: client,
      queueUrl: sqs.queueUrl,
      queueArn: sqs.queueArn,
      handler: () =>
        new Promise<void>((resolve) => {
          release = resolve;
          started();
        }),
    });
    await handlerStarted;

    // Act
    const stopping = mapping.stop();
    release();
    const stats = await stopping;

    // Assess
    expect(stats).toMatchObject({ invocations: 1, deleted: 1 });
    expect(await queueCounts()).toEqual(['0', '0', '0']);
  });

  it('ends with an error naming the queue when SQS stops answering', async () => {
    // Prepare
    const gone = await startSqs({ queueName: 'gone' });
    await gone.stop();
    const noRetries = new SQSClient({
      endpoint: gone.endpoint,
      region: gone.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });

    // Act
    const mapping = runEventSourceMapping({
      sqs: noRetries,
      queueUrl: gone.queueUrl,
      queueArn: gone.queueArn,
      handler: async () => undefined,
      untilEmpty: true,
    });
    const outcome = await mapping.finished.then(
      () => undefined,
      (error: unknown) => error,
    );
    noRetries.destroy();

    // Assess
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toContain(gone.queueUrl);
    expect(mapping.stats().pollErrors).toBeGreaterThanOrEqual(5);
  });

  const queueCounts = async () => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['All'] }),
    );
    return [
      Attributes.ApproximateNumberOfMessages,
      Attributes.ApproximateNumberOfMessagesNotVisible,
      Attributes.ApproximateNumberOfMessagesDelayed,
    ];
  };

  const dlqMessageIds = async () => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    return Messages.map((m) => m.MessageId);
  };
});

type SendMessageAttributes = NonNullable<
  ConstructorParameters<typeof SendMessageCommand>[0]['MessageAttributes']
>;
