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
  readFixtureJson,
} from './helpers.ts';

type Field = 'vpn_connection_id' | 'project_id' | 'region';

/** The same fields in every shape that carries them, with where they sit. */
const carriers: { shape: string; at: string; wrap: (fields: object) => unknown }[] = [
  { shape: 'plain', at: '', wrap: (fields) => fields },
  {
    shape: 'EventBridge',
    at: 'detail.',
    wrap: (detail) => ({ ...readFixtureJson('eventbridge.json'), detail }),
  },
  {
    shape: 'CloudEvents',
    at: 'data.',
    wrap: (data) => ({ ...readFixtureJson('cloudevents-plain.json'), data }),
  },
  {
    shape: 'SNS + EventBridge',
    at: 'Message.detail.',
    wrap: (detail) => inSns({ ...readFixtureJson('eventbridge.json'), detail }),
  },
];

function bodyWith(field: Field, value: string, wrap: (fields: object) => unknown): string {
  const fields = { vpn_connection_id: CONNECTION_ID, project_id: PROJECT_ID, region: REGION };
  return JSON.stringify(wrap({ ...fields, [field]: value }));
}

describe('parseConnectionCreated: ids that are accepted', () => {
  it.each([
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a809978a'],
    ['vpn_connection_id', 'cae286f2-demo-a8df-va86-e22416ca1220'],
    ['vpn_connection_id', 'CAE286F2-DEMO-A8DF-VA86-E22416CA1220'],
    ['project_id', '0123456789abcdef0123456789abcdef'],
    ['region', 'cn-north-4'],
    ['region', 'ap-southeast-1'],
    ['region', 'eu-west-101'],
    ['region', 'af-south-1'],
    ['region', 'la-north-2'],
    ['region', 'cn-east-3'],
    ['region', 'cn-southwest-2'],
    ['region', 'ru-northwest-2'],
    ['region', 'me-east-1'],
  ] as const)('accepts %s %s, unchanged', (field, value) => {
    // Prepare
    const body = bodyWith(field, value, (fields) => fields);

    // Act
    const event = expectEvent(parseConnectionCreated(body, {}));

    // Assess
    const read = {
      vpn_connection_id: event.vpnConnectionId,
      project_id: event.projectId,
      region: event.region,
    };
    expect(read[field]).toBe(value);
  });
});

describe('parseConnectionCreated: values that must never reach a URL', () => {
  const attempts: [Field, string][] = [
    ['vpn_connection_id', '../etc'],
    ['vpn_connection_id', '../../v5/0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b/vpn-connection'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a809978a/../x'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a80997?a'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a8099%2F'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a80997#a'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a8099&a='],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a809978a\n'],
    ['vpn_connection_id', ' e47ec7f1-e6c6-4507-bd83-51e6a809978'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a809978\u0000'],
    // Unicode lookalikes: fullwidth a, Cyrillic e, Arabic-Indic four, a Unicode hyphen
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a809978\uff41'],
    ['vpn_connection_id', '\u043547ec7f1-e6c6-4507-bd83-51e6a809978a'],
    ['vpn_connection_id', 'e\u06667ec7f1-e6c6-4507-bd83-51e6a809978a'],
    ['vpn_connection_id', 'e47ec7f1\u2010e6c6-4507-bd83-51e6a809978a'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a80\u200b978a'],
    ['vpn_connection_id', 'e47ec7f1-e6c6-4507-bd83-51e6a809978'],
    ['vpn_connection_id', 'e47ec7f1e6c64507bd8351e6a809978a'],
    ['project_id', '../0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a'],
    ['project_id', '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b/'],
    ['project_id', '0b2f8e8a3c5d4e6f8a9b0c1d2e3f%2F5b'],
    ['project_id', '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5\u0431'],
    ['project_id', '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5g'],
    ['region', 'cn-north-4.attacker.example#'],
    ['region', 'attacker.example/cn-north-4'],
    ['region', 'cn-north-4@attacker.example'],
    ['region', 'cn-north-4?x=1'],
    ['region', 'cn-north-4/../x'],
    ['region', 'cn-north-4 '],
    ['region', 'cn-north-4\n'],
    ['region', 'cn\u2013north-4'],
    ['region', 'cn-north-\u0664'],
    ['region', 'CN-NORTH-4'],
    ['region', 'cn-north'],
    ['region', 'cn-north-1234'],
    ['region', 'localhost'],
  ];

  it.each(
    carriers.flatMap((carrier) =>
      attempts.map(([field, value]) => ({
        ...carrier,
        field,
        value,
        printed: JSON.stringify(value),
      })),
    ),
  )('rejects $field $printed in a $shape message', ({ field, value, at, wrap }) => {
    // Prepare
    const body = bodyWith(field, value, wrap);

    // Act
    const error = expectInvalid(parseConnectionCreated(body, DEFAULTS));

    // Assess: the reason names the field and echoes the value escaped, never raw
    expect(error.path).toBe(`${at}${field}`);
    expect(error.message).toContain(`${at}${field} must be`);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it.each(attempts.filter(([field]) => field !== 'vpn_connection_id'))(
    'rejects %s %j as a default too',
    (field, value) => {
      // Prepare
      const body = JSON.stringify({ vpn_connection_id: CONNECTION_ID });
      const defaults =
        field === 'project_id' ? { ...DEFAULTS, projectId: value } : { ...DEFAULTS, region: value };

      // Act
      const error = expectInvalid(parseConnectionCreated(body, defaults));

      // Assess
      expect(error.path).toBe(field);
      expect(error.message).toContain('the configured default');
    },
  );
});
