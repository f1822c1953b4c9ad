import type { Context } from 'aws-lambda';
import type { HealthRequest } from '../lib/health/index.ts';
import { createLambdaContext, newLogStreamName } from './aws/lambda-context.ts';

/** What the local callers read of the `health` handler's answer. */
export interface HealthAnswerTotals {
  total: { checked: number; cloudEyeCalls: number; eventsPublished: number };
}

type HealthHandler = (event: HealthRequest, context: Context) => Promise<HealthAnswerTotals>;

/**
 * Invokes the real `health` Lambda handler once, as its schedule would, with the environment
 * already pointing at the local stack (its module reads it at import, like a cold start).
 */
export const invokeHealthLambda = async (
  request: HealthRequest,
  region: string,
): Promise<HealthAnswerTotals> => {
  const { handler } = (await import('../handlers/health.ts')) as { handler: HealthHandler };
  return handler(
    request,
    createLambdaContext(
      {
        functionName: 'health',
        region,
        accountId: '000000000000',
        timeoutMs: 300_000,
        memoryLimitInMB: 256,
      },
      newLogStreamName(),
    ),
  );
};
