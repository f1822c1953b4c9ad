import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lib/errors.ts';
import { type ParseResult, parseConnectionCreated } from '../../../lib/events/parse.ts';

// Written out here, independently of lib/events/connection-created.ts, so a loosened pattern there fails here.
const CONNECTION_ID =
  /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/;
const PROJECT_ID = /^[0-9a-f]{32}$/;
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d{1,3}$/;

/** What every result must be, whatever the input: URL-safe events, or a reason. */
function isWellFormed(result: ParseResult): boolean {
  if (result.kind === 'connections') {
    const ids = result.events.map((event) => event.vpnConnectionId);
    return (
      result.events.length > 0 &&
      new Set(ids).size === ids.length &&
      result.events.every(
        ({ vpnConnectionId, projectId, region, occurredAt }) =>
          CONNECTION_ID.test(vpnConnectionId) &&
          PROJECT_ID.test(projectId) &&
          REGION.test(region) &&
          [vpnConnectionId, projectId, region].every(
            (value) => encodeURIComponent(value) === value,
          ) &&
          (occurredAt === undefined || new Date(occurredAt).toISOString() === occurredAt),
      )
    );
  }
  if (result.kind === 'ignored') {
    // An ignored message is logged with its reason: it must be short and one line.
    return result.reason.length > 0 && result.reason.length < 512 && !/[\n\r]/.test(result.reason);
  }
  const { message } = result.error;
  // A reason must fit comfortably in one SQS message attribute of the DLQ.
  return result.error instanceof InvalidInputError && message.length > 0 && message.length < 2048;
}

const RUNS = 10_000;

const validId = fc.stringMatching(CONNECTION_ID);
const validProject = fc.stringMatching(PROJECT_ID);
const validRegion = fc.stringMatching(REGION).filter((region) => region.length <= 32);
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('', '../', '%2F', '?', '#', ' ', '\u200b', null),
);
/** Mostly the right value, sometimes anything at all: messages that are nearly right. */
const nearly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk });

const plainFields = fc.record(
  {
    vpn_connection_id: nearly(validId),
    project_id: nearly(validProject),
    region: nearly(validRegion),
  },
  { requiredKeys: [] },
);
const responseWith = (ids: fc.Arbitrary<unknown>) =>
  fc.oneof(
    ids.map((id) => ({ vpn_connection: { id } })),
    fc
      .array(ids, { maxLength: 12 })
      .map((list) => ({ vpn_connections: list.map((id) => ({ id })) })),
    fc.constant({ error_code: 'VPN.0001', error_msg: 'invalid request' }),
  );
const recorded = nearly(
  fc.oneof(
    responseWith(nearly(validId)),
    responseWith(nearly(validId)).map((body) => JSON.stringify(body)),
    fc.json({ maxDepth: 3 }),
  ),
);
const trace = fc.record(
  {
    trace_name: nearly(
      fc.constantFrom('createVpnConnection', 'batchCreateVpnConnection', 'updateVpnConnection'),
    ),
    trace_id: nearly(fc.uuid()),
    trace_rating: nearly(fc.constantFrom('normal', 'warning', 'incident')),
    code: nearly(fc.constantFrom('201', 200, '400', 500, 'VPN.0001')),
    resource_id: nearly(fc.oneof(validId, fc.constant(''))),
    request: recorded,
    response: recorded,
    project_id: nearly(validProject),
    domain_id: nearly(fc.stringMatching(/^[0-9a-f]{32}$/)),
    time: nearly(fc.oneof(fc.integer(), fc.constant(1795657223147))),
  },
  { requiredKeys: [] },
);
const eventBridge = fc.record(
  {
    'detail-type': nearly(fc.constant('VPN Connection Created')),
    version: nearly(fc.constant('0')),
    id: nearly(fc.uuid()),
    source: nearly(fc.constant('network.vpn-inventory')),
    time: nearly(fc.constant('2026-11-26T01:32:07Z')),
    detail: nearly(plainFields),
  },
  { requiredKeys: ['detail-type'] },
);
const cloudEvent = fc.record(
  {
    specversion: nearly(fc.constant('1.0')),
    id: nearly(fc.uuid()),
    source: nearly(fc.constant('HC.VPN')),
    type: nearly(fc.constant('VPN:CloudTrace:ApiCall')),
    data: fc.oneof(plainFields, trace, junk),
    data_base64: fc.constant('e30='),
  },
  { requiredKeys: ['specversion'] },
);
const unwrapped = fc.oneof(plainFields, eventBridge, cloudEvent, trace);
const sns = fc.record(
  {
    Type: nearly(fc.constant('Notification')),
    MessageId: nearly(fc.uuid()),
    TopicArn: fc.constant('arn:aws:sns:eu-west-1:123456789012:vpn-connection-created'),
    Message: fc.oneof(
      unwrapped.map((message) => JSON.stringify(message)),
      fc.json({ maxDepth: 2 }),
    ),
    Timestamp: nearly(fc.constant('2026-11-26T02:00:00.000Z')),
  },
  { requiredKeys: ['TopicArn'] },
);
const smn = fc.record(
  {
    type: nearly(
      fc.constantFrom('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'),
    ),
    message_id: nearly(fc.uuid()),
    topic_urn: nearly(fc.constant('urn:smn:cn-north-4:0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b:cts')),
    message: fc.oneof(
      unwrapped.map((message) => JSON.stringify(message)),
      sns.map((message) => JSON.stringify(message)),
      fc.json({ maxDepth: 2 }),
    ),
    timestamp: nearly(fc.constant('2026-11-26T02:00:00Z')),
    subscribe_url: fc.constant('https://smn.example.invalid/confirm'),
  },
  { requiredKeys: ['topic_urn'] },
);
/** Defaults are strings (the config module reads them from the environment), not always valid. */
const junkText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '../', 'cn-north-4/..', 'CN-NORTH-4'),
);
const defaults = fc.record(
  {
    projectId: fc.oneof({ weight: 3, arbitrary: validProject }, { weight: 1, arbitrary: junkText }),
    region: fc.oneof({ weight: 3, arbitrary: validRegion }, { weight: 1, arbitrary: junkText }),
  },
  { requiredKeys: [] },
);

describe('parseConnectionCreated: properties', () => {
  it('never throws on arbitrary strings, and always answers with an event or a reason', () => {
    // Prepare
    const body = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
    );

    // Act / Assess
    fc.assert(
      fc.property(body, defaults, (text, given) =>
        isWellFormed(parseConnectionCreated(text, given)),
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary JSON values', () => {
    // Prepare
    const body = fc.oneof(
      fc.json(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
    );

    // Act / Assess
    fc.assert(
      fc.property(body, defaults, (text, given) =>
        isWellFormed(parseConnectionCreated(text, given)),
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on messages that are nearly right, in every shape, inside SNS or SMN or not', () => {
    // Prepare
    const body = fc.oneof(unwrapped, sns, smn).map((message) => JSON.stringify(message));

    // Act / Assess
    fc.assert(
      fc.property(body, defaults, (text, given) =>
        isWellFormed(parseConnectionCreated(text, given)),
      ),
      { numRuns: RUNS },
    );
  });

  it('reads every valid id in every shape, exactly as sent', () => {
    // Prepare
    const build = (
      shape: 'plain' | 'eventbridge' | 'cloudevents' | 'cloud-trace',
      fields: { vpn_connection_id: string; project_id: string; region: string },
    ): unknown => {
      switch (shape) {
        case 'plain':
          return fields;
        case 'eventbridge':
          return {
            version: '0',
            id: 'e',
            source: 's',
            'detail-type': 'VPN Connection Created',
            detail: fields,
          };
        case 'cloudevents':
          return { specversion: '1.0', id: 'e', source: 's', type: 't', data: fields };
        case 'cloud-trace':
          return {
            specversion: '1.0',
            id: 'e',
            source: 'HC.VPN',
            type: 'VPN:CloudTrace:ApiCall',
            data: {
              trace_name: 'createVpnConnection',
              resource_id: fields.vpn_connection_id,
              project_id: fields.project_id,
              region: fields.region,
            },
          };
      }
    };
    const shape = fc.constantFrom('plain', 'eventbridge', 'cloudevents', 'cloud-trace' as const);

    // Act / Assess
    fc.assert(
      fc.property(
        validId,
        validProject,
        validRegion,
        shape,
        fc.constantFrom('none', 'sns', 'smn'),
        (id, project, region, kind, wrapper) => {
          const message = build(kind, { vpn_connection_id: id, project_id: project, region });
          const wrapped =
            wrapper === 'sns'
              ? {
                  Type: 'Notification',
                  MessageId: 'm',
                  TopicArn: 'arn',
                  Message: JSON.stringify(message),
                }
              : wrapper === 'smn'
                ? {
                    type: 'Notification',
                    message_id: 'm',
                    topic_urn: 'urn',
                    message: JSON.stringify(message),
                  }
                : message;
          const result = parseConnectionCreated(JSON.stringify(wrapped), {});
          expect(result).toEqual({
            kind: 'connections',
            events: [
              expect.objectContaining({
                vpnConnectionId: id,
                projectId: project,
                region,
                shape: kind,
                viaSns: wrapper === 'sns',
                viaSmn: wrapper === 'smn',
              }),
            ],
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
