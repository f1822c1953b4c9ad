import { batchQueryOf, CloudEyeClient } from '../../../lib/health/cloud-eye.ts';

const TARGET = { projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b', region: 'cn-north-4' };

/**
 * One batch query of one connection to the Cloud Eye endpoint at `base`, signed with
 * `credentials`, by a client of its own: the error it failed with, `undefined` when it answered.
 */
export const queryCloudEye = async (
  base: string,
  credentials: { ak: string; sk: string; securityToken?: string },
): Promise<unknown> => {
  const client = new CloudEyeClient({
    endpoint: () => base,
    credentials: { forTarget: () => ({ get: async () => credentials, refresh: () => {} }) },
    attemptTimeoutMs: 5_000,
  });
  const failure = await client
    .batchQueryMetricData(TARGET, batchQueryOf(['c1'], 'link', 15, Date.now()))
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  await client.close();
  return failure;
};
