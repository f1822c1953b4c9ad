import { describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  HuaweiNetworkError,
  InvalidInputError,
} from '../../../lib/errors.ts';
import { decide } from '../../../lib/retry/policy.ts';

const api = (status: number, code?: string, message?: string) =>
  new HuaweiApiError('create', { status, code, huaweiMessage: message, requestId: 'req' });

describe('retry policy', () => {
  it.each([
    [api(429, 'VPN.0429'), 'retry-now'],
    [api(429, 'APIGW.0308'), 'retry-now'],
    [api(429), 'retry-now'],
    [api(500, 'VPN.0002'), 'retry-now'],
    [api(502), 'retry-now'],
    [api(503), 'retry-now'],
    [api(504, 'VPN.0014'), 'retry-now'],
    [api(400, 'VPN.0030'), 'retry-now'],
    [api(400, 'VPN.0306'), 'retry-now'],
    [api(409, 'VPN.0016'), 'retry-later'],
    [api(409, 'VPN.0017'), 'retry-later'],
    [api(425, 'VPN.0009'), 'retry-later'],
    [api(400, 'VPN.0506'), 'retry-later'],
    [
      api(403, 'VPN.0003', 'resource vpn-connection is not ready, currently CREATING'),
      'retry-later',
    ],
    [api(401, 'APIGW.0301'), 'stop-calls'],
    [api(401, 'VPN.0010'), 'stop-calls'],
    [api(403, 'VPN.0003', 'authentication failed'), 'stop-calls'],
    [api(404, 'VPN.0004'), 'give-up'],
    [api(403, 'APIGW.0310', 'The project is unavailable'), 'give-up'],
    [api(400, 'VPN.0001'), 'give-up'],
    [api(400, 'VPN.0381'), 'give-up'],
    [new HuaweiNetworkError('reset', { ambiguous: true, code: 'ECONNRESET' }), 'retry-now'],
    [new HuaweiNetworkError('refused', { ambiguous: false, code: 'ECONNREFUSED' }), 'retry-now'],
    [new InvalidInputError('bad'), 'give-up'],
    [new HuaweiCallsStoppedError('stopped'), 'retry-later'],
    [new DeadlineExceededError('late'), 'retry-later'],
    [new Error('surprise'), 'retry-later'],
  ])('%s → %s', (error, disposition) => {
    // Act
    const decision = decide(error);
    // Assess
    expect(decision.disposition).toBe(disposition);
    expect(decision.reason.length).toBeGreaterThan(0);
  });
});
