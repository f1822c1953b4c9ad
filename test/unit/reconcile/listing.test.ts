import { describe, expect, it } from 'vitest';
import { CredentialGate } from '../../../lib/accounts/credential-guard.ts';
import { HuaweiApiError } from '../../../lib/errors.ts';
import type { VpnConnectionPage } from '../../../lib/huawei/vpn-client.ts';
import {
  type HuaweiCalls,
  IncompleteListingError,
  listAllConnections,
  type ReconcileClient,
} from '../../../lib/reconcile/listing.ts';

const TARGET = { projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b', region: 'cn-north-4' };

/** Huawei's connection list answering from a script: one page (or error) per call. */
const scripted = (answers: (VpnConnectionPage | Error)[]) => {
  const asked: { limit: number | undefined; marker: string | undefined }[] = [];
  const client = {
    listVpnConnections: async (_target, page = {}) => {
      asked.push({ limit: page.limit, marker: page.marker });
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more pages scripted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
    listMonitors: async () => ({ monitors: [], requestId: undefined }),
    deleteMonitor: async () => ({ requestId: undefined }),
  } satisfies ReconcileClient;
  const calls: HuaweiCalls = {
    client,
    gate: new CredentialGate(() => undefined),
    retry: {
      maxAttempts: 5,
      deadline: Number.POSITIVE_INFINITY,
      attemptTimeoutMs: 1_000,
      sleep: async () => undefined,
    },
  };
  return { calls, asked };
};

const page = (ids: string[], nextMarker?: string): VpnConnectionPage => ({
  connections: ids.map((id) => ({ id, status: 'ACTIVE' })),
  nextMarker,
  requestId: 'request',
});

describe('listAllConnections', () => {
  it('follows next_marker page after page until there is none', async () => {
    // Prepare
    const { calls, asked } = scripted([page(['a', 'b'], 'b'), page(['c', 'd'], 'd'), page(['e'])]);

    // Act
    const listing = await listAllConnections(calls, TARGET, 2);

    // Assess
    expect(listing.connections.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(listing.pages).toBe(3);
    expect(asked).toEqual([
      { limit: 2, marker: undefined },
      { limit: 2, marker: 'b' },
      { limit: 2, marker: 'd' },
    ]);
  });

  it('stops with an error instead of looping when a marker comes back', async () => {
    // Prepare: the third page points back at the second
    const { calls, asked } = scripted([
      page(['a'], 'a'),
      page(['b'], 'b'),
      page(['c'], 'a'),
      page(['b'], 'b'),
    ]);

    // Act
    const listing = listAllConnections(calls, TARGET, 1);

    // Assess
    await expect(listing).rejects.toThrow(IncompleteListingError);
    await expect(listing).rejects.toThrow(/marker a twice/);
    expect(asked).toHaveLength(3);
  });

  it('stops when a page names itself as the next one', async () => {
    // Prepare
    const { calls } = scripted([page(['a'], 'a'), page([], 'a')]);

    // Act and assess
    await expect(listAllConnections(calls, TARGET, 1)).rejects.toThrow(IncompleteListingError);
  });

  it('counts a connection listed on two pages once', async () => {
    // Prepare: a connection moved across the page boundary while the list was read
    const { calls } = scripted([page(['a', 'b'], 'b'), page(['b', 'c'])]);

    // Act
    const listing = await listAllConnections(calls, TARGET, 2);

    // Assess
    expect(listing.connections.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('retries a throttled page and carries on from the same marker', async () => {
    // Prepare
    const throttled = new HuaweiApiError('listConnections', {
      status: 429,
      code: 'VPN.0429',
      huaweiMessage: 'too many requests',
      requestId: 'r',
    });
    const { calls, asked } = scripted([page(['a'], 'a'), throttled, throttled, page(['b'])]);

    // Act
    const listing = await listAllConnections(calls, TARGET, 1);

    // Assess
    expect(listing.connections.map((c) => c.id)).toEqual(['a', 'b']);
    expect(asked.map((a) => a.marker)).toEqual([undefined, 'a', 'a', 'a']);
  });
});
