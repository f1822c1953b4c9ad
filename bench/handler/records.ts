import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { generatedConnectionId } from '../../local/huawei-simulator/ids.ts';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:000000000000:vpn-connection-created';

/**
 * An SQS event as Lambda's event source mapping delivers it: `count` plain "VPN connection
 * created" messages about the simulator's generated connections `first`, `first + 1`...
 */
export const sqsEvent = (
  projectId: string,
  region: string,
  first: number,
  count: number,
): SQSEvent => ({
  Records: Array.from({ length: count }, (_, i): SQSRecord => {
    const index = first + i;
    const sent = String(Date.now());
    return {
      messageId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      receiptHandle: `bench-receipt-${index}`,
      body: JSON.stringify({
        vpn_connection_id: generatedConnectionId(projectId, index),
        project_id: projectId,
        region,
      }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: sent,
        SenderId: 'AIDABENCHMARK',
        ApproximateFirstReceiveTimestamp: sent,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'eu-west-1',
    };
  }),
});
