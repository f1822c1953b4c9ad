import { describe, expect, it } from 'vitest';
import { parseConnectionCreated } from '../../../lib/events/parse.ts';
import {
  CONNECTION_ID,
  DEFAULTS,
  expectEvent,
  expectIgnored,
  expectInvalid,
  inSns,
  readFixtureJson,
} from './helpers.ts';

const FIXTURE_ID = 'fbc9b5ee-ca93-4af2-97ed-63be34ecbfee';

/** The cloud-trace fixture with its trace (`data`) changed. */
function withTrace(change: (trace: Record<string, unknown>) => Record<string, unknown>): string {
  const event = readFixtureJson('cloudevents-cloud-trace.json');
  return JSON.stringify({ ...event, data: change({ ...(event.data as Record<string, unknown>) }) });
}

function responseFor(id: unknown): string {
  return JSON.stringify({ vpn_connection: { id, status: 'PENDING_CREATE' }, request_id: 'r-1' });
}

describe('parseConnectionCreated: Cloud Trace createVpnConnection traces', () => {
  it('takes the connection id from resource_id when the response has none', () => {
    // Prepare
    const body = withTrace(({ response: _response, ...trace }) => trace);

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event).toMatchObject({ vpnConnectionId: FIXTURE_ID, shape: 'cloud-trace' });
  });

  it.each([
    { case: 'absent', change: ({ resource_id: _id, ...trace }: Record<string, unknown>) => trace },
    { case: 'empty', change: (trace: Record<string, unknown>) => ({ ...trace, resource_id: '' }) },
  ])('falls back to vpn_connection.id in the response when resource_id is $case', ({ change }) => {
    // Prepare
    const body = withTrace(change);

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event.vpnConnectionId).toBe(FIXTURE_ID);
  });

  it('uses resource_id when the recorded response is not JSON (truncated by the trace)', () => {
    // Prepare
    const body = withTrace((trace) => ({ ...trace, response: '{"vpn_connection":{"id":"fbc9' }));

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event.vpnConnectionId).toBe(FIXTURE_ID);
  });

  it('rejects a trace whose resource_id and response name different connections', () => {
    // Prepare
    const body = withTrace((trace) => ({ ...trace, response: responseFor(CONNECTION_ID) }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.response.vpn_connection.id');
    expect(error.message).toBe(
      `CloudEvents 1.0 event: data.response.vpn_connection.id is "${CONNECTION_ID}", which ` +
        `disagrees with resource_id "${FIXTURE_ID}"`,
    );
  });

  it('rejects a trace that names no connection at all, saying where it looked', () => {
    // Prepare
    const body = withTrace(({ resource_id: _id, ...trace }) => ({
      ...trace,
      response: JSON.stringify({ error_code: 'VPN.0001', error_msg: 'invalid request' }),
    }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.resource_id');
    expect(error.message).toBe(
      'CloudEvents 1.0 event: data.resource_id is missing and response holds no vpn_connection.id',
    );
  });

  it.each([
    { where: 'resource_id', change: { resource_id: '../../v5/x/connection-monitors' } },
    {
      where: 'response.vpn_connection.id',
      change: { resource_id: '', response: responseFor('fbc9b5ee-ca93-4af2-97ed-63be34ecbfe?') },
    },
  ])('validates the id found in $where', ({ where, change }) => {
    // Prepare
    const body = withTrace((trace) => ({ ...trace, ...change }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe(`data.${where}`);
    expect(error.message).toContain('must be 36 letters and digits in 8-4-4-4-12 groups');
  });

  it('ignores traces of other operations, such as this function creating a monitor', () => {
    // Prepare
    const body = withTrace((trace) => ({ ...trace, trace_name: 'createConnectionMonitor' }));

    // Act
    const ignored = expectIgnored(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(ignored).toEqual({
      reason: 'Cloud Trace createConnectionMonitor announces no new VPN connection',
      shape: 'cloud-trace',
    });
  });

  it('takes the region from the defaults, since traces carry none, or from a region a producer adds', () => {
    // Prepare
    const plainTrace = withTrace((trace) => trace);
    const traceWithRegion = withTrace((trace) => ({ ...trace, region: 'cn-east-3' }));

    // Act
    const fromDefaults = expectEvent(parseConnectionCreated(plainTrace, DEFAULTS));
    const fromTrace = expectEvent(parseConnectionCreated(traceWithRegion, DEFAULTS));

    // Assess
    expect(fromDefaults.region).toBe(DEFAULTS.region);
    expect(fromTrace.region).toBe('cn-east-3');
  });

  it('reports trace problems inside SNS with the full path', () => {
    // Prepare
    const inner = JSON.parse(withTrace((trace) => ({ ...trace, project_id: 42 })));
    const body = JSON.stringify(inSns(inner));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('Message.data.project_id');
    expect(error.message).toBe(
      'SNS notification wrapping a CloudEvents 1.0 event: Message.data.project_id must be a ' +
        'string, got number 42',
    );
  });
});
