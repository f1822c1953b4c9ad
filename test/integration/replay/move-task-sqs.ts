import { createServer } from 'node:http';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';
import { closeServer, LOOPBACK_HOST, listenOnLoopback } from '../../../local/aws/loopback.ts';
import { sqsClient } from './queues.ts';

/** An SQS stand-in that implements StartMessageMoveTask, with a queue and its DLQ. */
export interface MoveTaskSqs {
  endpoint: string;
  region: string;
  queueUrl: string;
  dlqUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts `local-aws-sqs` (which has message move tasks, unlike fauxqs) on a free loopback port,
 * with a source queue whose redrive policy names its DLQ. Its request handler is mounted on our
 * own server: its `createSqsServer` listens on a fixed port, and it writes the port it was given
 * into queue URLs, so it is built once the real port is known.
 */
export async function startMoveTaskSqs(): Promise<MoveTaskSqs> {
  const server = createServer();
  const endpoint = await listenOnLoopback(server);
  const region = 'eu-west-1';
  const { requestHandler } = createRequestHandler({
    port: Number(new URL(endpoint).port),
    hostname: LOOPBACK_HOST,
    region,
    accountId: '000000000000',
    emulateQueueCreationLifecycle: false,
  });
  server.on('request', (request, response) => {
    void requestHandler(request, response);
  });
  const sqs = sqsClient(endpoint, region);
  try {
    const { QueueUrl: dlqUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'vpn-connection-created-dlq' }),
    );
    const { QueueUrl: queueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'vpn-connection-created',
        Attributes: {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: `arn:aws:sqs:${region}:000000000000:vpn-connection-created-dlq`,
            maxReceiveCount: 3,
          }),
        },
      }),
    );
    if (dlqUrl === undefined || queueUrl === undefined)
      throw new Error('local-aws-sqs gave no queue URL');
    return { endpoint, region, queueUrl, dlqUrl, stop: () => closeServer(server) };
  } catch (error) {
    await closeServer(server);
    throw error;
  } finally {
    sqs.destroy();
  }
}
