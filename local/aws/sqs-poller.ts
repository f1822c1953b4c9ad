import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  MessageSystemAttributeName,
  QueueAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunk, MAX_BATCH_ENTRIES } from '../../lib/queue/index.ts';
import { sleep } from './loopback.ts';

/** How {@link receiveBatch} fills a batch. */
export interface PollSettings {
  sqs: SQSClient;
  queueUrl: string;
  /** Records per batch; above 10 it takes several receives within the batching window. */
  batchSize: number;
  /** How long to keep gathering once the first message arrived, as Lambda's batching window. */
  maxBatchingWindowMs: number;
  /** Long-poll wait of the first receive, whole seconds 0-20. */
  pollWaitSeconds: number;
}

/** SQS returns at most 10 messages per receive. */
const MAX_PER_RECEIVE = 10;
/** Pause between short polls while a batching window is open and the queue is empty. */
const FILL_PAUSE_MS = 20;
/** Pause between the two looks that must both see an empty queue. */
const DRAIN_RECHECK_MS = 50;

const receive = async (settings: PollSettings, max: number, wait: number): Promise<Message[]> => {
  const { Messages } = await settings.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: settings.queueUrl,
      MaxNumberOfMessages: Math.min(MAX_PER_RECEIVE, max),
      WaitTimeSeconds: wait,
      MessageSystemAttributeNames: [MessageSystemAttributeName.All],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
};

/**
 * Long-polls for a first message, then keeps receiving until the batch is full, the batching
 * window closes or `shouldStop()` says so. An empty array means the long poll found nothing.
 */
export const receiveBatch = async (
  settings: PollSettings,
  shouldStop: () => boolean,
): Promise<Message[]> => {
  const batch = await receive(settings, settings.batchSize, settings.pollWaitSeconds);
  if (batch.length === 0) return batch;
  const deadline = Date.now() + settings.maxBatchingWindowMs;
  while (batch.length < settings.batchSize && Date.now() < deadline && !shouldStop()) {
    const more = await receive(settings, settings.batchSize - batch.length, 0);
    if (more.length === 0) await sleep(Math.min(FILL_PAUSE_MS, deadline - Date.now()));
    batch.push(...more);
  }
  return batch;
};

const queueLooksEmpty = async (sqs: SQSClient, queueUrl: string): Promise<boolean> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        QueueAttributeName.ApproximateNumberOfMessages,
        QueueAttributeName.ApproximateNumberOfMessagesNotVisible,
        QueueAttributeName.ApproximateNumberOfMessagesDelayed,
      ],
    }),
  );
  return (
    Attributes.ApproximateNumberOfMessages === '0' &&
    Attributes.ApproximateNumberOfMessagesNotVisible === '0' &&
    Attributes.ApproximateNumberOfMessagesDelayed === '0'
  );
};

/**
 * True when the queue holds nothing visible, in flight or delayed, twice in a row: the counts
 * are approximate in SQS, so one look is not enough.
 */
export const isQueueDrained = async (sqs: SQSClient, queueUrl: string): Promise<boolean> => {
  if (!(await queueLooksEmpty(sqs, queueUrl))) return false;
  await sleep(DRAIN_RECHECK_MS);
  return queueLooksEmpty(sqs, queueUrl);
};

/** Deletes messages by receipt handle, 10 per call; counts what SQS deleted and refused. */
export const deleteMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: string[],
): Promise<{ deleted: number; failed: number }> => {
  let deleted = 0;
  let failed = 0;
  for (const handles of chunk(receiptHandles, MAX_BATCH_ENTRIES)) {
    const { Successful = [], Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.map((receiptHandle, index) => ({
          Id: String(index),
          ReceiptHandle: receiptHandle,
        })),
      }),
    );
    deleted += Successful.length;
    failed += Failed.length;
  }
  return { deleted, failed };
};
