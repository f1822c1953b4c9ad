import { describe, expect, it } from 'vitest';
import type { ConnectionCreated } from '../../../lib/events/parse.ts';
import { connectionKey } from '../../../lib/provision/provision-connection.ts';
import {
  ORIGIN_ATTRIBUTE,
  RUN_ID_ATTRIBUTE,
  readOrigin,
  reconcileAttributes,
} from '../../../lib/queue/index.ts';
import { newRunId } from '../../../lib/reconcile/reconcile.ts';

const event = {
  vpnConnectionId: 'cae286f2-demo-a8df-va86-e22416ca1220',
  projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b',
  region: 'cn-north-4',
} as ConnectionCreated;

describe('the reconcile origin of a message', () => {
  it('reads back the run id a reconcile run puts on its messages', () => {
    // Prepare
    const runId = newRunId(new Date('2026-11-26T02:40:00.123Z'));

    // Act
    const origin = readOrigin(reconcileAttributes(runId));

    // Assess
    expect(runId).toMatch(/^20261126T024000Z-[0-9a-f]{8}$/);
    expect(origin).toEqual({ kind: 'reconcile', runId });
  });

  it.each([
    ['no attributes', {}],
    ['another origin', { [ORIGIN_ATTRIBUTE]: { DataType: 'String', StringValue: 'replay' } }],
    ['no run id', { [ORIGIN_ATTRIBUTE]: { DataType: 'String', StringValue: 'reconcile' } }],
    [
      'a run id with a path in it',
      {
        [ORIGIN_ATTRIBUTE]: { DataType: 'String', StringValue: 'reconcile' },
        [RUN_ID_ATTRIBUTE]: { DataType: 'String', StringValue: '../../other' },
      },
    ],
  ])('sees an ordinary event in a message with %s', (_, attributes) => {
    // Act and assess
    expect(readOrigin(attributes)).toBeUndefined();
  });
});

describe('connectionKey', () => {
  it('keys an event on its project and connection', () => {
    // Act and assess
    expect(connectionKey(event)).toBe(
      '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b:cae286f2-demo-a8df-va86-e22416ca1220',
    );
  });

  it('keys a reconcile message on its run as well, so an old record cannot absorb it', () => {
    // Act
    const first = connectionKey(event, { kind: 'reconcile', runId: 'run-1' });
    const again = connectionKey(event, { kind: 'reconcile', runId: 'run-1' });
    const next = connectionKey(event, { kind: 'reconcile', runId: 'run-2' });

    // Assess
    expect(first).toBe(`${connectionKey(event)}#reconcile:run-1`);
    expect(again).toBe(first);
    expect(next).not.toBe(first);
  });
});
