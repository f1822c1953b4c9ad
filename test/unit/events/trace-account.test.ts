import { describe, expect, it } from 'vitest';
import { readTraceAccount } from '../../../lib/events/trace-account.ts';

const A = '6985a531e0e86845683c604dcf177246';
const B = 'd2b0000000000000000000000000000b';

describe('the account of a Cloud Trace trace', () => {
  it.each([
    ['user.domain.id, as the CTS trace structure puts it', { user: { domain: { id: A } } }, A],
    ['user.account_id', { user: { account_id: A } }, A],
    ['a top-level domain_id', { domain_id: A }, A],
    ['all three, agreeing', { user: { account_id: A, domain: { id: A } }, domain_id: A }, A],
    [
      "resource_account_id over the caller's, when the call crossed accounts",
      { resource_account_id: B, user: { domain: { id: A } } },
      B,
    ],
    ['none of them', { user: { name: 'netops' } }, undefined],
    ['empty or null ones as none', { user: { domain: { id: '' } }, domain_id: null }, undefined],
  ])('is read from %s', (_label, trace, expected) => {
    // Act
    const read = readTraceAccount(trace, 'data');

    // Assess
    expect(read).toEqual({ ok: true, value: expected });
  });

  it.each([
    [
      'a malformed user.domain.id',
      { user: { domain: { id: 'not-an-account' } } },
      'data.user.domain.id',
      'must be 32 hex characters, got "not-an-account"',
    ],
    [
      'caller fields that name two accounts',
      { user: { domain: { id: A } }, domain_id: B },
      'data.domain_id',
      `names account ${B}, but data.user.domain.id names ${A}`,
    ],
  ])('refuses %s, naming the field', (_label, trace, path, message) => {
    // Act
    const read = readTraceAccount(trace, 'data');

    // Assess
    expect(read).toEqual({ ok: false, problem: { path, message } });
  });
});
