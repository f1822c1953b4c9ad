import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseConnectionCreated } from '../../../lib/events/parse.ts';
import {
  CONNECTION_ID,
  DEFAULTS,
  expectEvent,
  expectInvalid,
  inSns,
  PROJECT_ID,
  readFixture,
  readFixtureJson,
} from './helpers.ts';

const plain = (fields: Record<string, unknown>) =>
  JSON.stringify({ vpn_connection_id: CONNECTION_ID, project_id: PROJECT_ID, ...fields });

describe('parseConnectionCreated: bodies that are not a JSON object', () => {
  it.each([
    { body: '', reason: 'is not JSON' },
    { body: 'vpn_connection_id=cae286f2-demo-a8df-va86-e22416ca1220', reason: 'is not JSON' },
    { body: '{"vpn_connection_id": "cae286f2-demo-a8df-va86-e22416ca1220"', reason: 'is not JSON' },
    { body: 'null', reason: 'must be a JSON object, got null' },
    { body: '42', reason: 'must be a JSON object, got number 42' },
    { body: '"{\\"vpn_connection_id\\":1}"', reason: 'must be a JSON object, got "{' },
    {
      body: '[{"vpn_connection_id":"cae286f2-demo-a8df-va86-e22416ca1220"}]',
      reason: 'got an array',
    },
  ])('rejects $body', ({ body, reason }) => {
    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toMatch(/^message body: /);
    expect(error.message).toContain(reason);
    expect(error.path).toBeUndefined();
  });

  it('keeps the JSON syntax error as the cause', () => {
    // Act
    const error = expectInvalid(parseConnectionCreated('{oops', DEFAULTS));

    // Assess
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('escapes control characters the syntax error quotes from the body', () => {
    // Prepare: a body whose first line would forge a second log line
    const body = 'x\n{"forged":"line"}';

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    const controls = [...error.message].filter((c) => (c.codePointAt(0) ?? 0) < 0x20);
    expect(controls).toEqual([]);
    expect(error.message).toContain('\\n');
  });

  it('never throws when a JavaScript caller passes something that is not a string', () => {
    // Act
    const error = expectInvalid(parseConnectionCreated(undefined as unknown as string, DEFAULTS));

    // Assess
    expect(error.message).toBe('message body: must be a string, got nothing');
  });

  it('names the keys of a message of no known shape', () => {
    // Prepare
    const body = JSON.stringify({ connectionId: CONNECTION_ID, projectId: PROJECT_ID });

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toMatch(/^unrecognised message: has none of the keys/);
    expect(error.message).toContain('its keys are "connectionId", "projectId"');
  });
});

describe('parseConnectionCreated: bodies over 256 KiB', () => {
  const padded = (bytes: number) => {
    const base = readFixture('plain.json').trimEnd();
    return base + ' '.repeat(bytes - Buffer.byteLength(base));
  };

  it('reads a valid body of exactly 256 KiB', () => {
    // Prepare
    const body = padded(MAX_BODY_BYTES);

    // Act
    const result = parseConnectionCreated(body, DEFAULTS);

    // Assess
    expect(Buffer.byteLength(body)).toBe(256 * 1024);
    expectEvent(result);
  });

  it('rejects a valid body one byte over, saying why', () => {
    // Prepare
    const body = padded(MAX_BODY_BYTES + 1);

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toBe(
      'message body: is 262145 bytes, over the 256 KiB (262144 bytes) SQS message size limit; ' +
        'it was not parsed',
    );
  });

  it('counts UTF-8 bytes, not characters', () => {
    // Prepare: 100,000 characters, 300,000 bytes
    const body = plain({ note: '€'.repeat(100_000) });

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect(error.message).toContain('over the 256 KiB');
  });

  it('rejects a huge body without parsing it', () => {
    // Prepare: 8 MiB that is not JSON: the size, not the syntax, is reported
    const body = `{${'x'.repeat(8 * 1024 * 1024)}`;

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toContain('over the 256 KiB');
    expect(error.cause).toBeUndefined();
  });
});

describe('parseConnectionCreated: wrong shapes and wrong types', () => {
  const eventBridge = readFixtureJson('eventbridge.json');
  const cloudEvent = readFixtureJson('cloudevents-plain.json');

  it.each([
    {
      case: 'a connection id that is a number',
      body: plain({ vpn_connection_id: 12345 }),
      expected: 'plain message: vpn_connection_id must be a string, got number 12345',
      path: 'vpn_connection_id',
    },
    {
      case: 'a project id that is not hex',
      body: plain({ project_id: 'my-project' }),
      expected: 'plain message: project_id must be 32 hex characters, got "my-project"',
      path: 'project_id',
    },
    {
      case: 'an uppercase project id',
      body: plain({ project_id: PROJECT_ID.toUpperCase() }),
      expected: `plain message: project_id must be lowercase hex, as Huawei issues it (uppercase is rejected, not lowercased), got "${PROJECT_ID.toUpperCase()}"`,
      path: 'project_id',
    },
    {
      case: 'an empty region, which is not absent',
      body: plain({ region: '' }),
      expected: 'plain message: region must be a region like cn-north-4 or ap-southeast-1, got ""',
      path: 'region',
    },
    {
      case: 'a region that is a list',
      body: plain({ region: ['cn-north-4'] }),
      expected: 'plain message: region must be a string, got an array',
      path: 'region',
    },
    {
      case: 'an EventBridge event of another detail-type',
      body: JSON.stringify({ ...eventBridge, 'detail-type': 'VPN Connection Deleted' }),
      expected:
        'EventBridge envelope: detail-type must be "VPN Connection Created", got "VPN Connection Deleted"',
      path: 'detail-type',
    },
    {
      case: 'an EventBridge detail that is a string',
      body: JSON.stringify({ ...eventBridge, detail: JSON.stringify(eventBridge.detail) }),
      expected: 'EventBridge envelope: detail must be an object, got "{',
      path: 'detail',
    },
    {
      case: 'an EventBridge envelope without an id',
      body: JSON.stringify({ ...eventBridge, id: undefined }),
      expected: 'EventBridge envelope: id is missing',
      path: 'id',
    },
    {
      case: 'an EventBridge envelope with an empty source',
      body: JSON.stringify({ ...eventBridge, source: '' }),
      expected: 'EventBridge envelope: source must not be empty, got ""',
      path: 'source',
    },
    {
      case: 'a CloudEvent of version 0.3',
      body: JSON.stringify({ ...cloudEvent, specversion: '0.3' }),
      expected: 'CloudEvents 1.0 event: specversion must be "1.0", got "0.3"',
      path: 'specversion',
    },
    {
      case: 'a CloudEvent whose specversion is the number 1.0',
      body: JSON.stringify({ ...cloudEvent, specversion: 1.0 }),
      expected: 'CloudEvents 1.0 event: specversion must be "1.0", got number 1',
      path: 'specversion',
    },
    {
      case: 'a CloudEvent with binary data',
      body: JSON.stringify({ ...cloudEvent, data: undefined, data_base64: 'e30=' }),
      expected:
        'CloudEvents 1.0 event: data_base64 is not supported: the event data must be a JSON object in data',
      path: 'data_base64',
    },
    {
      case: 'a CloudEvent whose data is a list',
      body: JSON.stringify({ ...cloudEvent, data: [cloudEvent.data] }),
      expected: 'CloudEvents 1.0 event: data must be an object, got an array',
      path: 'data',
    },
    {
      case: 'a CloudEvent whose data lacks the connection id',
      body: JSON.stringify({ ...cloudEvent, data: { project_id: PROJECT_ID } }),
      expected: 'CloudEvents 1.0 event: data.vpn_connection_id is missing',
      path: 'data.vpn_connection_id',
    },
    {
      case: 'an SNS subscription confirmation',
      body: JSON.stringify({ ...inSns('{}'), Type: 'SubscriptionConfirmation' }),
      expected: 'SNS notification: Type must be "Notification", got "SubscriptionConfirmation"',
      path: 'Type',
    },
    {
      case: 'an SNS message that is not JSON',
      body: JSON.stringify(inSns('VPN connection cae286f2-demo-a8df-va86-e22416ca1220 created')),
      expected: 'SNS notification: Message is not JSON',
      path: 'Message',
    },
    {
      case: 'an SNS message that is an object, not a string',
      body: JSON.stringify({ ...inSns('{}'), Message: { vpn_connection_id: CONNECTION_ID } }),
      expected: 'SNS notification: Message must be a string, got an object',
      path: 'Message',
    },
    {
      case: 'SNS inside SNS',
      body: JSON.stringify(inSns(inSns(plain({})))),
      expected:
        'SNS notification: Message holds another SNS notification; only one level of SNS or SMN is supported',
      path: 'Message',
    },
    {
      case: 'an SNS message of no known shape',
      body: JSON.stringify(inSns({ hello: 'world' })),
      expected: 'SNS notification: Message has none of the keys that identify a shape',
      path: 'Message',
    },
  ])('rejects $case', ({ body, expected, path }) => {
    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message.startsWith(expected)).toBe(true);
    expect(error.path).toBe(path);
  });

  it('names one problem and counts the others', () => {
    // Prepare
    const body = JSON.stringify({ 'detail-type': 'VPN Connection Created' });

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toBe('EventBridge envelope: version is missing (and 3 more problems)');
  });

  it('cuts long echoed values to 64 characters and says how long they were', () => {
    // Prepare
    const body = plain({ vpn_connection_id: `${'a'.repeat(100_000)}-../` });

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toBe(
      `plain message: vpn_connection_id must be 36 letters and digits in 8-4-4-4-12 groups, got "${'a'.repeat(64)}"… (100004 characters)`,
    );
  });

  it('rejects correlation values long enough to bloat every published event', () => {
    // Prepare
    const body = JSON.stringify({ ...eventBridge, id: 'e'.repeat(513) });

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.path).toBe('id');
    expect(error.message).toContain('must be at most 512 characters');
  });
});

describe('parseConnectionCreated: hostile JSON', () => {
  it('answers deeply nested JSON within the size limit without overflowing the stack', () => {
    // Prepare
    const depth = 100_000;
    const nested = `{"detail-type":"VPN Connection Created","detail":${'['.repeat(depth)}${']'.repeat(depth)}}`;

    // Act
    const error = expectInvalid(parseConnectionCreated(nested, DEFAULTS));

    // Assess
    expect(error.message).toContain('EventBridge envelope:');
  });

  it('does not read fields hidden under a __proto__ key', () => {
    // Prepare
    const body = `{"__proto__":{"vpn_connection_id":"${CONNECTION_ID}"}}`;

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toMatch(/^unrecognised message: .*its keys are "__proto__"$/);
  });

  it('validates the value JSON keeps when a key is repeated, the last one', () => {
    // Prepare
    const body = `{"vpn_connection_id":"${CONNECTION_ID}","vpn_connection_id":"../x"}`;

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess
    expect(error.message).toContain('got "../x"');
  });
});
