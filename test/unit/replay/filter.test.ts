import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DeadLetterInfo,
  matchesFilter,
  type ReplayFilter,
} from '../../../lib/replay/dead-letter-info.ts';

const info = (overrides: Partial<DeadLetterInfo> = {}): DeadLetterInfo => ({
  messageId: 'm-1',
  kind: 'retries-exhausted',
  code: 'APIGW.0301',
  status: 401,
  description: 'refused',
  vpnConnectionId: 'c0000000-0000-0000-0000-000000000001',
  failedAt: new Date('2025-11-25T10:00:00Z'),
  originalMessageId: 'm-0',
  replayCount: 0,
  ...overrides,
});

const none: ReplayFilter = { reason: [], connection: [], since: undefined, until: undefined };

describe('matchesFilter', () => {
  it('takes every message when no filter is given', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.date({ noInvalidDate: true }), { nil: undefined }),
        (kind, code, failedAt) => {
          expect(matchesFilter(info({ kind, code, failedAt }), none)).toBe(true);
        },
      ),
    );
  });

  const cases: Array<[string, Partial<ReplayFilter>, Partial<DeadLetterInfo>, boolean]> = [
    ['the code, in any case', { reason: ['apigw.0301'] }, {}, true],
    ['the kind', { reason: ['retries-exhausted'] }, {}, true],
    ['one of several reasons', { reason: ['VPN.0004', 'APIGW.0301'] }, {}, true],
    ['another reason', { reason: ['VPN.0004'] }, {}, false],
    [
      'SQS redrive, by its kind',
      { reason: ['sqs-redrive'] },
      { kind: 'sqs-redrive', code: undefined },
      true,
    ],
    ['the connection', { connection: ['C0000000-0000-0000-0000-000000000001'] }, {}, true],
    ['another connection', { connection: ['c0000000-0000-0000-0000-000000000002'] }, {}, false],
    [
      'an unknown connection',
      { connection: ['c0000000-0000-0000-0000-000000000001'] },
      { vpnConnectionId: undefined },
      false,
    ],
    ['since, inclusive', { since: new Date('2025-11-25T10:00:00Z') }, {}, true],
    ['since, later', { since: new Date('2025-11-25T10:00:01Z') }, {}, false],
    ['until, exclusive', { until: new Date('2025-11-25T10:00:00Z') }, {}, false],
    ['until, later', { until: new Date('2025-11-25T10:00:01Z') }, {}, true],
    ['a time window on an unknown time', { since: new Date(0) }, { failedAt: undefined }, false],
    [
      'every filter at once',
      {
        reason: ['APIGW.0301'],
        connection: ['c0000000-0000-0000-0000-000000000001'],
        since: new Date(0),
        until: new Date('2030-01-01'),
      },
      {},
      true,
    ],
  ];

  it.each(cases)('on %s: %#', (_, filter, overrides, expected) => {
    // Act
    const matched = matchesFilter(info(overrides), { ...none, ...filter });

    // Assess
    expect(matched).toBe(expected);
  });
});
