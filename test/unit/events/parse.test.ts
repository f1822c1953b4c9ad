import { describe, expect, it } from 'vitest';
import { parseConnectionCreated } from '../../../lib/events/parse.ts';
import {
  CONNECTION_ID,
  DEFAULTS,
  expectEvent,
  expectInvalid,
  inSns,
  PROJECT_ID,
  REGION,
  readFixture,
  readFixtureJson,
} from './helpers.ts';

describe('parseConnectionCreated: the supported shapes', () => {
  it.each([
    {
      fixture: 'plain.json',
      expected: {
        vpnConnectionId: 'e47ec7f1-e6c6-4507-bd83-51e6a809978a',
        shape: 'plain',
        region: REGION,
        viaSns: false,
        viaSmn: false,
        correlation: {},
      },
    },
    {
      fixture: 'eventbridge.json',
      expected: {
        vpnConnectionId: '2c9df7d0-7146-45fc-a577-44fe9fab58df',
        shape: 'eventbridge',
        region: REGION,
        viaSns: false,
        viaSmn: false,
        occurredAt: '2026-11-26T01:32:07.000Z',
        correlation: {
          eventId: 'a3c1f4e2-9b7d-4e0a-8f21-6d5b3c9e7a10',
          source: 'network.vpn-inventory',
          time: '2026-11-26T01:32:07Z',
        },
      },
    },
    {
      fixture: 'cloudevents-plain.json',
      expected: {
        vpnConnectionId: 'c2a8b554-0764-4b29-b103-e83589986d92',
        shape: 'cloudevents',
        region: REGION,
        viaSns: false,
        viaSmn: false,
        occurredAt: '2026-11-26T01:35:41.208Z',
        correlation: {
          eventId: '7d3f2a91-5c8e-4b6d-9e0f-1a2b3c4d5e6f',
          source: 'network-inventory',
          time: '2026-11-26T01:35:41.208Z',
        },
      },
    },
    {
      fixture: 'cloudevents-cloud-trace.json',
      expected: {
        vpnConnectionId: 'fbc9b5ee-ca93-4af2-97ed-63be34ecbfee',
        shape: 'cloud-trace',
        // Cloud Trace traces carry no region: the deployment's default applies.
        region: 'ap-southeast-1',
        viaSns: false,
        viaSmn: false,
        // The trace's own time (epoch milliseconds), when the call was made.
        occurredAt: '2026-11-26T01:40:23.147Z',
        domainId: '6985a531e0e86845683c604dcf177246',
        correlation: {
          eventId: '5b0c7e3a-1d2f-4a8b-9c6e-0f1a2b3c4d5e',
          source: 'HC.VPN',
          time: '2026-11-26T01:40:23.512Z',
          traceId: '3f0d8a52-cb7e-11f0-9a1e-fa163e2b7d10',
        },
      },
    },
    {
      fixture: 'sns-plain.json',
      expected: {
        vpnConnectionId: '4042b3e5-ab1f-4876-9da9-4509546a38d0',
        shape: 'plain',
        region: REGION,
        viaSns: true,
        viaSmn: false,
        // No time in the message: the SNS notification's Timestamp.
        occurredAt: '2026-11-26T01:47:20.503Z',
        correlation: { snsMessageId: '8f2b6d1a-4c7e-5e9f-a3b0-2d6c8e1f4a7b' },
      },
    },
    {
      fixture: 'sns-eventbridge.json',
      expected: {
        vpnConnectionId: '599378b6-d7d3-4948-b953-b5d279189c43',
        shape: 'eventbridge',
        region: REGION,
        viaSns: true,
        viaSmn: false,
        occurredAt: '2026-11-26T01:44:58.000Z',
        correlation: {
          eventId: 'e9b2d7c4-3a1f-4c8e-b5d0-7f6a2e1c9b83',
          source: 'network.vpn-inventory',
          time: '2026-11-26T01:44:58Z',
          snsMessageId: 'c6a4e1b8-2f3d-5a7c-9e0b-4d8f2a6c1e3b',
        },
      },
    },
    {
      fixture: 'sns-cloudevents-cloud-trace.json',
      expected: {
        vpnConnectionId: '510ec3bc-270c-4ac1-bd5d-c06b43b34be5',
        shape: 'cloud-trace',
        region: 'ap-southeast-1',
        viaSns: true,
        viaSmn: false,
        occurredAt: '2026-11-26T01:45:31.884Z',
        domainId: '6985a531e0e86845683c604dcf177246',
        correlation: {
          eventId: '9a4e2c7b-0d3f-4b1e-8a6c-5e2f9d1b7c3a',
          source: 'HC.VPN',
          time: '2026-11-26T01:45:32.249Z',
          traceId: '4b8e1c36-cb7f-11f0-9a1e-fa163e2b7d10',
          snsMessageId: '1e7c3a9f-6b2d-5f8a-8c4e-0a9d3b7f2e6c',
        },
      },
    },
  ])('reads $fixture', ({ fixture, expected }) => {
    // Prepare: defaults that differ from the message, so the message's values must win
    const body = readFixture(fixture);
    const otherDefaults = { projectId: 'f'.repeat(32), region: 'ap-southeast-1' };

    // Act
    const result = parseConnectionCreated(body, otherDefaults);

    // Assess
    expect(result).toEqual({
      kind: 'connections',
      events: [{ ...expected, projectId: PROJECT_ID }],
    });
  });

  it('gives every fixture its own connection id, so seeded runs create one monitor each', () => {
    // Prepare
    const fixtures = [
      'plain.json',
      'plain-minimal.json',
      'eventbridge.json',
      'cloudevents-plain.json',
      'cloudevents-cloud-trace.json',
      'sns-plain.json',
      'sns-eventbridge.json',
      'sns-cloudevents-cloud-trace.json',
      'cloudevents-cloud-trace-objects.json',
      'smn-cloud-trace.json',
    ];

    // Act
    const ids = fixtures.map(
      (name) => expectEvent(parseConnectionCreated(readFixture(name), DEFAULTS)).vpnConnectionId,
    );

    // Assess
    expect(new Set(ids).size).toBe(fixtures.length);
  });

  it("reads the Huawei region from the EventBridge detail, never the envelope's AWS region", () => {
    // Prepare: the fixture's envelope says eu-west-1, which is AWS's region
    const body = readFixture('eventbridge.json');

    // Act
    const event = expectEvent(parseConnectionCreated(body, {}));

    // Assess
    expect(readFixtureJson('eventbridge.json').region).toBe('eu-west-1');
    expect(event.region).toBe(REGION);
  });

  it('accepts the placeholder ids of Huawei documentation, letters beyond hex included', () => {
    // Prepare
    const body = JSON.stringify({ vpn_connection_id: CONNECTION_ID });

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event.vpnConnectionId).toBe(CONNECTION_ID);
  });

  it('ignores fields producers add, at every level', () => {
    // Prepare
    const message = readFixtureJson('eventbridge.json');
    const body = JSON.stringify({
      ...message,
      'replay-name': 'nightly',
      detail: { ...(message.detail as object), owner: 'netops', tags: { env: 'prod' } },
    });

    // Act
    const event = expectEvent(parseConnectionCreated(body, {}));

    // Assess
    expect(event.vpnConnectionId).toBe('2c9df7d0-7146-45fc-a577-44fe9fab58df');
  });

  it('reads a CloudEvent that has no time, leaving the correlation time out', () => {
    // Prepare
    const { time: _time, ...event } = readFixtureJson('cloudevents-plain.json');

    // Act
    const parsed = expectEvent(parseConnectionCreated(JSON.stringify(event), {}));

    // Assess
    expect(parsed.correlation).toEqual({
      eventId: '7d3f2a91-5c8e-4b6d-9e0f-1a2b3c4d5e6f',
      source: 'network-inventory',
    });
  });
});

describe('parseConnectionCreated: project and region defaults', () => {
  it('fills project_id and region from the defaults when the message has neither', () => {
    // Prepare
    const body = readFixture('plain-minimal.json');

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event).toMatchObject({
      vpnConnectionId: '64cd0022-d305-4a0a-88f1-87dd75f660ed',
      projectId: PROJECT_ID,
      region: REGION,
    });
  });

  it('fills each field on its own: the message region, the default project', () => {
    // Prepare
    const body = JSON.stringify({ vpn_connection_id: CONNECTION_ID, region: 'eu-west-101' });

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event).toMatchObject({ projectId: PROJECT_ID, region: 'eu-west-101' });
  });

  it('treats null as absent, as serialisers of optional fields write it', () => {
    // Prepare
    const body = JSON.stringify({
      vpn_connection_id: CONNECTION_ID,
      project_id: null,
      region: null,
    });

    // Act
    const event = expectEvent(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(event).toMatchObject({ projectId: PROJECT_ID, region: REGION });
  });

  it.each([
    { fixture: 'plain-minimal.json', path: 'project_id', defaults: {} },
    { fixture: 'plain-minimal.json', path: 'region', defaults: { projectId: PROJECT_ID } },
    {
      fixture: 'plain-minimal.json',
      path: 'project_id',
      defaults: { projectId: undefined, region: REGION },
    },
  ])(
    'names $path when neither the message nor the defaults have it',
    ({ fixture, path, defaults }) => {
      // Prepare
      const body = readFixture(fixture);

      // Act
      const error = expectInvalid(parseConnectionCreated(body, defaults));

      // Assess
      expect(error.path).toBe(path);
      expect(error.message).toMatch(
        new RegExp(`^plain message: ${path} is missing and no default`),
      );
    },
  );

  it('names the field where the envelope should have carried it', () => {
    // Prepare
    const message = readFixtureJson('eventbridge.json');
    const body = JSON.stringify(
      inSns({ ...message, detail: { vpn_connection_id: CONNECTION_ID } }),
    );

    // Act
    const error = expectInvalid(parseConnectionCreated(body, { region: REGION }));

    // Assess
    expect(error.path).toBe('Message.detail.project_id');
    expect(error.message).toBe(
      'SNS notification wrapping an EventBridge envelope: Message.detail.project_id is missing ' +
        'and no default project id is configured',
    );
  });

  it('validates a default it uses like a message value, so a bad default never reaches a URL', () => {
    // Prepare
    const body = readFixture('plain-minimal.json');

    // Act
    const error = expectInvalid(
      parseConnectionCreated(body, { projectId: PROJECT_ID, region: 'cn-north-4/../x' }),
    );

    // Assess
    expect(error.path).toBe('region');
    expect(error.message).toContain(
      'region is missing and the configured default region is not valid',
    );
    expect(error.message).toContain('"cn-north-4/../x"');
  });

  it('leaves a bad default unused when the message names the field itself', () => {
    // Prepare
    const body = readFixture('plain.json');

    // Act
    const result = parseConnectionCreated(body, { projectId: 'not a project', region: '' });

    // Assess
    expect(expectEvent(result)).toMatchObject({ projectId: PROJECT_ID, region: REGION });
  });
});
