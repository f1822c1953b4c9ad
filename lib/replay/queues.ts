import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
} from '@aws-sdk/client-sqs';
import type { SqsClient } from '../aws/index.ts';
import * as z from '../zod.ts';
import { ReplayTargetError } from './errors.ts';

/** Error names of an SQS endpoint that does not implement an action (emulators). */
const UNSUPPORTED = new Set([
  'InvalidAction',
  'UnknownOperation',
  'UnknownOperationException',
  'UnsupportedOperation',
  'NotImplemented',
]);

/** Queues looked at, at most, when finding a source queue without `ListDeadLetterSourceQueues`. */
const MAX_QUEUES_SCANNED = 1_000;

const redrivePolicySchema = z.object({ deadLetterTargetArn: z.string() });

const deadLetterTargetOf = (policy: string | undefined): string | undefined => {
  if (policy === undefined) return undefined;
  try {
    return redrivePolicySchema.safeParse(JSON.parse(policy)).data?.deadLetterTargetArn;
  } catch {
    // A policy that is not JSON names no dead-letter queue we could match.
    return undefined;
  }
};

/** True when `error` says the SQS endpoint does not implement the action called. */
export function isUnsupportedOperation(error: unknown): boolean {
  return error instanceof Error && UNSUPPORTED.has(error.name);
}

/**
 * The URL of a queue as reached through `reference`'s origin. Queues of one region share an
 * origin in AWS; emulators sometimes answer with host names that do not resolve.
 */
const onOriginOf = (reference: string, queueUrl: string): string =>
  new URL(new URL(queueUrl).pathname, new URL(reference).origin).href;

/** The queue's ARN. */
export async function queueArn(sqs: SqsClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new ReplayTargetError(`SQS gave no QueueArn for ${queueUrl}`);
  return arn;
}

/** `ApproximateNumberOfMessages`: the visible messages, for a progress bar. */
export async function approximateVisible(
  sqs: SqsClient,
  queueUrl: string,
): Promise<number | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  const value = Number(Attributes?.ApproximateNumberOfMessages);
  return Number.isFinite(value) ? value : undefined;
}

const scanForSources = async (sqs: SqsClient, dlqUrl: string): Promise<string[]> => {
  const dlqArn = await queueArn(sqs, dlqUrl);
  const sources: string[] = [];
  let scanned = 0;
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 1000, NextToken: nextToken }));
    for (const listed of page.QueueUrls ?? []) {
      if (scanned++ >= MAX_QUEUES_SCANNED) return sources;
      const url = onOriginOf(dlqUrl, listed);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
      );
      if (deadLetterTargetOf(Attributes?.RedrivePolicy) === dlqArn) sources.push(url);
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return sources;
};

/**
 * Finds the queue whose redrive policy names `dlqUrl` as its dead-letter queue, with
 * `ListDeadLetterSourceQueues`; on an endpoint without that action, by reading the redrive
 * policy of each queue `ListQueues` shows. Throws a {@link ReplayTargetError} when there is no
 * such queue, or more than one: then the operator must say where with `--to`.
 */
export async function findSourceQueue(sqs: SqsClient, dlqUrl: string): Promise<string> {
  let sources: string[];
  try {
    const { queueUrls } = await sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, MaxResults: 10 }),
    );
    sources = (queueUrls ?? []).map((url) => onOriginOf(dlqUrl, url));
  } catch (error: unknown) {
    if (!isUnsupportedOperation(error)) throw error;
    sources = await scanForSources(sqs, dlqUrl);
  }
  const [only, ...others] = sources;
  if (only === undefined) {
    throw new ReplayTargetError(
      `No queue uses ${dlqUrl} as its dead-letter queue: name the target with --to`,
    );
  }
  if (others.length > 0) {
    throw new ReplayTargetError(
      `${sources.length} queues use ${dlqUrl} as their dead-letter queue (${sources.join(', ')}): choose one with --to`,
    );
  }
  return only;
}
