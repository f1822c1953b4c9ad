import { describe, expect, it } from 'vitest';
import { parseConnectionCreated } from '../../../lib/events/parse.ts';
import {
  CONNECTION_ID,
  DEFAULTS,
  expectEvent,
  expectEvents,
  expectIgnored,
  expectInvalid,
  inSns,
  PROJECT_ID,
  readFixture,
  readFixtureJson,
} from './helpers.ts';

const BATCH = 'batch/cloudevents-cloud-trace-batch-create.json';
const BATCH_IDS = ['3b9f6d2e-8c41-4a7f-b5e3-0d6c9a2f1e84', 'd45a8e1b-6f2c-4d93-a7b0-8e1f5c3d2a69'];
const DOMAIN_ID = '6985a531e0e86845683c604dcf177246';

/** A fixture with its trace (`data`) changed. */
function withTrace(
  fixture: string,
  change: (trace: Record<string, unknown>) => Record<string, unknown>,
): string {
  const event = readFixtureJson(fixture);
  return JSON.stringify({ ...event, data: change({ ...(event.data as Record<string, unknown>) }) });
}

describe('parseConnectionCreated: Cloud Trace request and response as strings or objects', () => {
  it('reads a trace whose request and response are objects, as in FunctionGraph CTS triggers', () => {
    // Act
    const event = expectEvent(
      parseConnectionCreated(readFixture('cloudevents-cloud-trace-objects.json'), DEFAULTS),
    );

    // Assess
    expect(event).toEqual({
      vpnConnectionId: '7c1e0f3a-52d4-4b8e-9a61-3f2d8c4b7e95',
      projectId: PROJECT_ID,
      region: DEFAULTS.region,
      shape: 'cloud-trace',
      viaSns: false,
      viaSmn: false,
      occurredAt: '2026-11-26T01:43:32.036Z',
      domainId: DOMAIN_ID,
      correlation: {
        eventId: '2e8b4f1c-7a3d-4c9e-b6f0-5d1a2c3e4f70',
        source: 'HC.VPN',
        time: '2026-11-26T01:43:32.390Z',
        traceId: '6a1f2c84-cb80-11f0-9a1e-fa163e2b7d10',
      },
    });
  });

  it.each([
    { form: 'a string', wrap: (response: unknown) => JSON.stringify(response) },
    { form: 'an object', wrap: (response: unknown) => response },
  ])('finds the connection in a response given as $form when resource_id is empty', ({ wrap }) => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace-objects.json', (trace) => ({
      ...trace,
      resource_id: '',
      response: wrap({ vpn_connection: { id: CONNECTION_ID }, request_id: 'r-1' }),
    }));

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event.vpnConnectionId).toBe(CONNECTION_ID);
  });

  it('rejects an object response whose connection disagrees with resource_id', () => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace-objects.json', (trace) => ({
      ...trace,
      response: { vpn_connection: { id: CONNECTION_ID } },
    }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.response.vpn_connection.id');
    expect(error.message).toContain('which disagrees with resource_id');
  });

  it('rejects a domain_id that is not 32 hex characters', () => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace-objects.json', (trace) => ({
      ...trace,
      domain_id: 'not-an-account',
    }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.domain_id');
    expect(error.message).toBe(
      'CloudEvents 1.0 event: data.domain_id must be 32 hex characters, got "not-an-account"',
    );
  });

  it('leaves occurredAt to the envelope when the trace time is not epoch milliseconds', () => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace-objects.json', (trace) => ({
      ...trace,
      time: 'yesterday',
    }));

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event.occurredAt).toBe('2026-11-26T01:43:32.390Z');
  });
});

describe('parseConnectionCreated: batch-create traces', () => {
  it('gives one event per connection the batch created, in order', () => {
    // Act
    const events = expectEvents(parseConnectionCreated(readFixture(BATCH), DEFAULTS));

    // Assess
    expect(events.map((event) => event.vpnConnectionId)).toEqual(BATCH_IDS);
    for (const event of events) {
      expect(event).toMatchObject({
        projectId: PROJECT_ID,
        shape: 'cloud-trace',
        occurredAt: '2026-11-26T01:45:30.112Z',
        correlation: { traceId: '7b2a3d95-cb80-11f0-9a1e-fa163e2b7d10' },
      });
    }
  });

  it('collapses a connection the response names twice', () => {
    // Prepare
    const body = withTrace(BATCH, (trace) => ({
      ...trace,
      response: JSON.stringify({
        vpn_connections: [{ id: BATCH_IDS[0] }, { id: BATCH_IDS[1] }, { id: BATCH_IDS[0] }],
      }),
    }));

    // Act
    const events = expectEvents(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(events.map((event) => event.vpnConnectionId)).toEqual(BATCH_IDS);
  });

  it('validates every id, naming the one that is wrong', () => {
    // Prepare
    const body = withTrace(BATCH, (trace) => ({
      ...trace,
      response: {
        vpn_connections: [{ id: BATCH_IDS[0] }, { id: '../../v5/x/connection-monitors' }],
      },
    }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.response.vpn_connections.1.id');
    expect(error.message).toContain('must be 36 letters and digits in 8-4-4-4-12 groups');
  });

  it('rejects a batch trace that names no connection anywhere', () => {
    // Prepare
    const body = withTrace(BATCH, (trace) => ({ ...trace, response: { vpn_connections: [] } }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toBe(
      'CloudEvents 1.0 event: data.resource_id is missing and response holds no vpn_connections[].id',
    );
  });

  it('rejects a batch trace of more connections than a batch create makes', () => {
    // Prepare
    const many = Array.from({ length: 11 }, (_, i) => ({
      id: `3b9f6d2e-8c41-4a7f-b5e3-0d6c9a2f1e${String(i).padStart(2, '0')}`,
    }));
    const body = withTrace(BATCH, (trace) => ({ ...trace, response: { vpn_connections: many } }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.response.vpn_connections');
    expect(error.message).toContain('holds 11 connections; a batch create makes at most 10');
  });
});

describe('parseConnectionCreated: traces that announce no new connection are ignored', () => {
  it.each([
    {
      fixture: 'ignored/cloudevents-cloud-trace-update.json',
      reason: 'Cloud Trace updateVpnConnection announces no new VPN connection',
    },
    {
      fixture: 'ignored/cloudevents-cloud-trace-delete.json',
      reason: 'Cloud Trace deleteVpnConnection announces no new VPN connection',
    },
    {
      fixture: 'ignored/cloudevents-cloud-trace-create-failed.json',
      reason:
        'Cloud Trace createVpnConnection failed (code 400, VPN.0001), so it announces no new VPN connection',
    },
  ])('ignores $fixture', ({ fixture, reason }) => {
    // Act
    const ignored = expectIgnored(parseConnectionCreated(readFixture(fixture), DEFAULTS));

    // Assess
    expect(ignored).toEqual({ reason, shape: 'cloud-trace' });
  });

  it.each([
    { case: 'code as a number', change: { code: 500 }, detail: 'code 500' },
    {
      case: 'a warning rating and no code',
      change: { code: undefined, trace_rating: 'warning' },
      detail: 'trace_rating warning',
    },
    {
      case: 'an incident rating, no code, an error in the response',
      change: {
        code: undefined,
        trace_rating: 'incident',
        response: { error_code: 'VPN.0002', error_msg: 'server error' },
      },
      detail: 'trace_rating incident, VPN.0002',
    },
  ])('ignores a failed create: $case', ({ change, detail }) => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace.json', (trace) => ({ ...trace, ...change }));

    // Act
    const ignored = expectIgnored(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(ignored.reason).toBe(
      `Cloud Trace createVpnConnection failed (${detail}), so it announces no new VPN connection`,
    );
  });

  it('ignores a failed batch create too', () => {
    // Prepare
    const body = withTrace(BATCH, (trace) => ({ ...trace, code: '403' }));

    // Act
    const ignored = expectIgnored(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(ignored.reason).toBe(
      'Cloud Trace batchCreateVpnConnection failed (code 403), so it announces no new VPN connection',
    );
  });

  it('still reads a create whose code is 2xx even when rated warning', () => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace.json', (trace) => ({
      ...trace,
      trace_rating: 'warning',
      code: 201,
    }));

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event.vpnConnectionId).toBe('fbc9b5ee-ca93-4af2-97ed-63be34ecbfee');
  });

  it('rejects a successful create that names no connection', () => {
    // Prepare
    const body = withTrace('cloudevents-cloud-trace.json', ({ resource_id: _, ...trace }) => ({
      ...trace,
      response: { request_id: 'r-1' },
    }));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('data.resource_id');
  });
});

describe('parseConnectionCreated: Huawei SMN HTTP(S) notifications', () => {
  it('reads a Cloud Trace trace an SMN notification carries', () => {
    // Act
    const event = expectEvent(
      parseConnectionCreated(readFixture('smn-cloud-trace.json'), DEFAULTS),
    );

    // Assess
    expect(event).toEqual({
      vpnConnectionId: 'e8a2c4f6-1b3d-4e5f-a7c9-0b2d4f6a8c1e',
      projectId: PROJECT_ID,
      region: DEFAULTS.region,
      shape: 'cloud-trace',
      viaSns: false,
      viaSmn: true,
      occurredAt: '2026-11-26T01:50:00.421Z',
      domainId: DOMAIN_ID,
      correlation: {
        traceId: 'bf6e71d9-cb84-11f0-9a1e-fa163e2b7d10',
        smnMessageId: 'b7c9e1f3a5d74b8c9e0f1a2b3c4d5e6f',
      },
    });
  });

  it('reads other shapes an SMN notification carries, with its timestamp as the time', () => {
    // Prepare
    const plain = { vpn_connection_id: CONNECTION_ID, project_id: PROJECT_ID };
    const body = JSON.stringify({
      ...readFixtureJson('smn-cloud-trace.json'),
      message: JSON.stringify(plain),
    });

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event).toMatchObject({
      vpnConnectionId: CONNECTION_ID,
      shape: 'plain',
      viaSmn: true,
      occurredAt: '2026-11-26T01:50:01.000Z',
    });
  });

  it.each([
    {
      fixture: 'ignored/smn-subscription-confirmation.json',
      reason: 'SMN subscription confirmation is not an event; an operator confirms it',
    },
    {
      fixture: 'ignored/smn-unsubscribe-confirmation.json',
      reason: 'SMN unsubscribe confirmation is not an event; nothing is to be done',
    },
  ])('ignores $fixture without reading its URLs', ({ fixture, reason }) => {
    // Act
    const ignored = expectIgnored(parseConnectionCreated(readFixture(fixture), DEFAULTS));

    // Assess
    expect(ignored).toEqual({ reason, shape: 'smn' });
  });

  it('ignores a trace of another operation inside SMN', () => {
    // Prepare
    const smn = readFixtureJson('smn-cloud-trace.json');
    const trace = JSON.parse(smn.message as string) as Record<string, unknown>;
    const body = JSON.stringify({
      ...smn,
      message: JSON.stringify({ ...trace, trace_name: 'deleteVpnConnection' }),
    });

    // Act
    const ignored = expectIgnored(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(ignored.reason).toBe('Cloud Trace deleteVpnConnection announces no new VPN connection');
  });

  it.each([
    {
      case: 'a notification whose message is not JSON',
      change: { message: 'VPN connection created' },
      expected: 'SMN notification: message is not JSON',
      path: 'message',
    },
    {
      case: 'an unknown type',
      change: { type: 'Alert' },
      expected:
        'SMN notification: type must be "Notification" or "SubscriptionConfirmation" or "UnsubscribeConfirmation", got "Alert"',
      path: 'type',
    },
    {
      case: 'SMN inside SMN',
      change: { message: JSON.stringify(readFixtureJson('smn-cloud-trace.json')) },
      expected:
        'SMN notification: message holds another SMN notification; only one level of SNS or SMN is supported',
      path: 'message',
    },
    {
      case: 'SNS inside SMN',
      change: { message: JSON.stringify(inSns({ vpn_connection_id: CONNECTION_ID })) },
      expected:
        'SMN notification: message holds another SNS notification; only one level of SNS or SMN is supported',
      path: 'message',
    },
  ])('rejects $case', ({ change, expected, path }) => {
    // Prepare
    const body = JSON.stringify({ ...readFixtureJson('smn-cloud-trace.json'), ...change });

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message.startsWith(expected)).toBe(true);
    expect(error.path).toBe(path);
  });

  it('rejects SMN inside SNS: one level of notification only', () => {
    // Prepare
    const body = JSON.stringify(inSns(readFixtureJson('smn-cloud-trace.json')));

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toBe(
      'SNS notification: Message holds another SMN notification; only one level of SNS or SMN is supported',
    );
  });
});
