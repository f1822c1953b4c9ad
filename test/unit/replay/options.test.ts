import { describe, expect, it } from 'vitest';
import { ReplayOptionsError } from '../../../lib/replay/errors.ts';
import { hasFilter, parseReplayOptions } from '../../../lib/replay/options.ts';

describe('parseReplayOptions', () => {
  it('fills the defaults for an empty payload', () => {
    // Act
    const options = parseReplayOptions(undefined);

    // Assess
    expect(options).toEqual({ dryRun: false, reason: [], connection: [], mode: 'auto' });
    expect(hasFilter(options)).toBe(false);
  });

  it('reads what the command line gives as text, and one value or several', () => {
    // Act
    const options = parseReplayOptions({
      max: '100',
      rate: '2.5',
      reason: 'APIGW.0301',
      connection: ['a', 'b'],
      since: '2025-11-25',
      until: '2025-11-25T08:00:00+02:00',
    });

    // Assess
    expect(options).toMatchObject({
      max: 100,
      rate: 2.5,
      reason: ['APIGW.0301'],
      connection: ['a', 'b'],
      since: new Date('2025-11-25T00:00:00Z'),
      until: new Date('2025-11-25T06:00:00Z'),
    });
    expect(hasFilter(options)).toBe(true);
  });

  it.each([
    [{ max: 0 }, 'max'],
    [{ max: 1.5 }, 'max'],
    [{ rate: -1 }, 'rate'],
    [{ since: 'yesterday' }, 'since must be an ISO 8601 date'],
    [{ since: '2025-11-25T08:00:00' }, 'since must be an ISO 8601 date'],
    [{ since: '2025-11-26', until: '2025-11-25' }, 'until must be later than since'],
    [{ mode: 'teleport' }, 'mode'],
    [{ mode: 'move-task', connection: 'x' }, 'move-task moves every message'],
    [{ mode: 'move-task', max: 5 }, 'move-task moves every message'],
    [{ mode: 'move-task', rate: 501 }, 'rate must be a whole number from 1 to 500'],
    [{ mode: 'move-task', rate: 0.5 }, 'rate must be a whole number from 1 to 500'],
    [{ dlq: 'not a url' }, 'dlq must be a queue URL'],
    [{ reason: '' }, 'reason'],
    [{ dryrun: true }, 'Unrecognized key: "dryrun"'],
  ])('refuses %j, naming the problem', (input, message) => {
    // Act
    const parse = () => parseReplayOptions(input);

    // Assess
    expect(parse).toThrow(ReplayOptionsError);
    expect(parse).toThrow(message);
  });
});
