import { describe, expect, it } from 'vitest';
import {
  ConnectionNotReadyError,
  DeadlineExceededError,
  HuaweiApiError,
  HuaweiCallsStoppedError,
  HuaweiNetworkError,
  HuaweiUnreadableAnswerError,
  InvalidInputError,
  MonitorRefusedError,
  PermissionRefusedError,
  PublishError,
} from '../../../lib/errors.ts';
import {
  asksForState,
  classify,
  decide,
  isKeyRefusal,
  isPermissionRefusal,
} from '../../../lib/retry/policy.ts';

const TARGET = { projectId: '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b', region: 'eu-west-101' };

const api = (status: number, code?: string, message?: string) =>
  new HuaweiApiError('create', { status, code, huaweiMessage: message, requestId: 'req' });

describe('retry policy', () => {
  // Behaviour changed with "decide from state": codes no public source shows (VPN.0306,
  // VPN.0506, VPN.0009...) are no longer read as busy or not ready, and a 403 is a permission
  // of one project (give up that project), never a refused key. A refused create is decided
  // from Huawei's state in ensure-monitor, not here.
  it.each([
    [api(429, 'VPN.0429'), 'retry-now'],
    [api(429, 'APIGW.0308'), 'retry-now'],
    [api(429), 'retry-now'],
    [api(500, 'VPN.0002'), 'retry-now'],
    [api(502, 'APIGW.0201'), 'retry-now'],
    [api(503), 'retry-now'],
    [api(504, 'APIGW.0201'), 'retry-now'],
    [api(400, 'VPN.0030'), 'retry-now'],
    [api(400, 'VPN.0031'), 'retry-now'],
    [api(400, 'VPN.0306'), 'give-up'],
    [api(409, 'VPN.0016'), 'retry-later'],
    [api(409), 'retry-later'],
    [api(425, 'VPN.0009'), 'retry-later'],
    [api(400, 'VPN.0506'), 'give-up'],
    [api(401, 'APIGW.0301'), 'stop-calls'],
    [api(401, 'APIGW.0301', 'AK access failed to reach the limit,forbidden'), 'stop-calls'],
    [api(401, 'APIGW.0305'), 'stop-calls'],
    [api(401, 'VPN.0010'), 'stop-calls'],
    [api(401), 'stop-calls'],
    [api(403, 'VPN.0003', 'Authentication failed: Access denied'), 'give-up'],
    [api(403, 'APIGW.0302'), 'give-up'],
    [api(403, 'APIGW.0306'), 'give-up'],
    [api(403, 'APIGW.0801'), 'give-up'],
    [api(403, 'APIGW.0802'), 'give-up'],
    [api(403, 'APIGW.0310', 'The project is unavailable'), 'give-up'],
    [api(403), 'give-up'],
    [api(404, 'VPN.0004'), 'give-up'],
    [api(400, 'VPN.0001'), 'give-up'],
    [api(400, 'VPN.0381'), 'give-up'],
    [new HuaweiNetworkError('reset', { ambiguous: true, code: 'ECONNRESET' }), 'retry-now'],
    [new HuaweiNetworkError('refused', { ambiguous: false, code: 'ECONNREFUSED' }), 'retry-now'],
    [new ConnectionNotReadyError('pending', { connectionStatus: 'PENDING_CREATE' }), 'retry-later'],
    [new MonitorRefusedError('gone', { connectionStatus: 'NOT_FOUND' }), 'give-up'],
    [new MonitorRefusedError('error', { connectionStatus: 'ERROR' }), 'give-up'],
    [new PermissionRefusedError(TARGET, 'vpn:connectionMonitors:create', api(403)), 'give-up'],
    [new InvalidInputError('bad'), 'give-up'],
    [new HuaweiCallsStoppedError('stopped'), 'retry-later'],
    [new DeadlineExceededError('late'), 'retry-later'],
    [new PublishError('EventBridge refused'), 'retry-now'],
    [new Error('surprise'), 'retry-later'],
  ])('%s → %s', (error, disposition) => {
    // Act
    const decision = decide(error);
    // Assess
    expect(decision.disposition).toBe(disposition);
    expect(decision.reason.length).toBeGreaterThan(0);
  });

  const unreadable = (status: number, seen = `unreadable answer, HTTP ${status}, text/html`) =>
    new HuaweiUnreadableAnswerError('create', {
      status,
      requestId: undefined,
      seen,
      mayHaveChangedState: true,
    });

  // An answer that cannot be read never gives up at first sight: its status alone is no word
  // from Huawei. Statuses that say something whatever the body (401, 429, 5xx) keep their rule.
  it.each([
    [unreadable(200), 'retry-now', 'unreadable answer, HTTP 200, text/html'],
    [
      unreadable(201, 'answer about another connection, HTTP 201'),
      'retry-now',
      'answer about another connection, HTTP 201',
    ],
    [unreadable(302), 'retry-now', 'unreadable answer, HTTP 302, text/html'],
    [unreadable(403), 'retry-now', 'unreadable answer, HTTP 403, text/html'],
    [unreadable(404), 'retry-now', 'unreadable answer, HTTP 404, text/html'],
    [unreadable(400), 'retry-now', 'unreadable answer, HTTP 400, text/html'],
    [unreadable(409), 'retry-later', 'conflict (unreadable answer, HTTP 409, text/html)'],
    [unreadable(429), 'retry-now', 'throttled (unreadable answer, HTTP 429, text/html)'],
    [unreadable(401), 'stop-calls', 'credentials refused (unreadable answer, HTTP 401, text/html)'],
    [
      unreadable(502),
      'retry-now',
      'Huawei busy or failing (unreadable answer, HTTP 502, text/html)',
    ],
  ])('%s → %s, "%s"', (error, disposition, reason) => {
    expect(decide(error)).toMatchObject({ disposition, reason });
  });

  it('tells a refused key from a missing permission', () => {
    expect(isKeyRefusal(api(401, 'APIGW.0301'))).toBe(true);
    expect(isKeyRefusal(api(403, 'VPN.0003'))).toBe(false);
    expect(isPermissionRefusal(api(403, 'VPN.0003'))).toBe(true);
    expect(isPermissionRefusal(api(403, 'APIGW.0801'))).toBe(true);
    expect(isPermissionRefusal(api(401, 'APIGW.0305'))).toBe(false);
    expect(isPermissionRefusal(new Error('x'))).toBe(false);
  });

  it('names the project, the region and the IAM action of a permission refusal', () => {
    const error = new PermissionRefusedError(
      TARGET,
      'vpn:vpnConnections:get',
      api(403, 'VPN.0003', 'Access denied'),
    );
    expect(error.message).toContain(TARGET.projectId);
    expect(error.message).toContain('eu-west-101');
    expect(error.message).toContain('grant vpn:vpnConnections:get');
    expect(decide(error).reason).toContain(TARGET.projectId);
  });
});

describe('failures classified once', () => {
  it.each([
    [api(429), 'throttled', false],
    [api(401, 'APIGW.0301'), 'key-refused', false],
    [api(403, 'VPN.0003'), 'forbidden', true],
    [api(409, 'VPN.0016'), 'conflict', true],
    [api(404, 'VPN.0004'), 'not-found', true],
    [api(400, 'VPN.0381'), 'refused', true],
    [api(400, 'VPN.0030'), 'server', true],
    [api(503), 'server', false],
    [new HuaweiNetworkError('reset', { ambiguous: true, code: 'ECONNRESET' }), 'network', false],
    [
      new ConnectionNotReadyError('pending', { connectionStatus: 'PENDING_CREATE' }),
      'not-ready',
      false,
    ],
    [new HuaweiCallsStoppedError('stopped'), 'calls-stopped', false],
  ])('%s is %s; asks for state: %s', (error, kind, asks) => {
    expect(classify(error).kind).toBe(kind);
    expect(asksForState(error)).toBe(asks);
  });

  it('answers the same failure for the same error, and its decision is the table row', () => {
    const error = api(401, 'APIGW.0305');
    expect(classify(error)).toBe(classify(error));
    expect(classify(error)).toMatchObject({
      status: 401,
      code: 'APIGW.0305',
      decision: { disposition: 'stop-calls', category: 'credentials' },
    });
    expect(decide(error)).toEqual(classify(error).decision);
  });
});
