import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  QueueAttributeName,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { DEFAULT_LOCAL_REGION, LOCAL_CREDENTIALS, LOOPBACK_HOST } from './loopback.ts';

/** Options of {@link startSqs}. */
export interface StartSqsOptions {
  /** Region in the queue ARNs; default `eu-west-1`. */
  region?: string;
  /** Name of the source queue; default `vpn-connection-created`. */
  queueName?: string;
  /** Name of the dead-letter queue; default `<queueName>-dlq`. */
  dlqName?: string;
  /** Source queue visibility timeout in whole seconds (SQS takes no fractions); default 30. */
  visibilityTimeoutSeconds?: number;
  /** Receives after which SQS moves a message to the DLQ; default 3. */
  maxReceiveCount?: number;
  /** Source queue `MaximumMessageSize`; default 256 KiB, as serverless.yml's default. */
  maxMessageBytes?: number;
}

/** A running SQS emulator holding the source queue and its DLQ. */
export interface LocalSqs {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` to `SQSClient`. */
  endpoint: string;
  region: string;
  /** Source queue URL, on 127.0.0.1 (fauxqs' own `sqs.<region>.localhost` URLs do not resolve). */
  queueUrl: string;
  dlqUrl: string;
  queueArn: string;
  dlqArn: string;
  stop(): Promise<void>;
}

/** SQS keeps DLQ messages for at most 14 days; a DLQ should keep them as long as it can. */
const DLQ_RETENTION_SECONDS = 1_209_600;
/** The DLQ takes SQS's largest messages, as in serverless.yml: the source's plus a reason. */
const DLQ_MAX_MESSAGE_BYTES = 1_048_576;
/** fauxqs' fixed account id, also used in its ARNs. */
const ACCOUNT_ID = '000000000000';

const requireWholeSeconds = (name: string, value: number, min: number, max: number): void => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
};

/**
 * Starts fauxqs in-process on a free loopback port and creates the source queue with a
 * `RedrivePolicy` pointing at its DLQ. fauxqs performs the redrive itself: the receive after
 * the `maxReceiveCount`-th one moves the message to the DLQ, as SQS does.
 */
export const startSqs = async (options: StartSqsOptions = {}): Promise<LocalSqs> => {
  const region = options.region ?? DEFAULT_LOCAL_REGION;
  const queueName = options.queueName ?? 'vpn-connection-created';
  const dlqName = options.dlqName ?? `${queueName}-dlq`;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  requireWholeSeconds('visibilityTimeoutSeconds', visibilityTimeoutSeconds, 0, 43_200);
  requireWholeSeconds('maxReceiveCount', maxReceiveCount, 1, 1_000);

  // buildApp rather than startFauxqs: startFauxqs always listens on 0.0.0.0.
  const app = buildApp({ logger: false, defaultRegion: region });
  const address = await app.listen({ port: 0, host: LOOPBACK_HOST });
  const endpoint = new URL(address).origin;
  const client = new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    const dlqArn = `arn:aws:sqs:${region}:${ACCOUNT_ID}:${dlqName}`;
    const queueArn = `arn:aws:sqs:${region}:${ACCOUNT_ID}:${queueName}`;
    await client.send(
      new CreateQueueCommand({
        QueueName: dlqName,
        Attributes: {
          MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
          MaximumMessageSize: String(DLQ_MAX_MESSAGE_BYTES),
        },
      }),
    );
    await client.send(
      new CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          VisibilityTimeout: String(visibilityTimeoutSeconds),
          MaximumMessageSize: String(options.maxMessageBytes ?? 262_144),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        },
      }),
    );
    const queueUrl = `${endpoint}/${ACCOUNT_ID}/${queueName}`;
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [QueueAttributeName.QueueArn],
      }),
    );
    if (Attributes?.QueueArn !== queueArn) {
      throw new Error(`fauxqs named the queue ${Attributes?.QueueArn}, expected ${queueArn}`);
    }
    return {
      endpoint,
      region,
      queueUrl,
      dlqUrl: `${endpoint}/${ACCOUNT_ID}/${dlqName}`,
      queueArn,
      dlqArn,
      stop: async () => {
        await app.close();
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  } finally {
    client.destroy();
  }
};
