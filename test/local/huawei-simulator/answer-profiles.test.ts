import { afterEach, describe, expect, it } from 'vitest';
import { ANSWER_PROFILES, type AnswerProfile } from '../../../local/huawei-simulator/index.ts';
import {
  CONNECTION_ID,
  PROJECT_ID,
  startTestSimulator,
  type TestSimulator,
  UNKNOWN_CONNECTION_ID,
} from './helpers.ts';

// What each profile value answers: status, code, and a word the message must carry.
const ALREADY_EXISTS = {
  'vpn-0381': [400, 'VPN.0381'],
  'vpn-0001': [400, 'VPN.0001'],
  'conflict-409': [409, 'VPN.0001'],
} as const;
const NOT_READY = {
  'conflict-409': [409, 'VPN.0016'],
  'bad-request-400': [400, 'VPN.0001'],
  'forbidden-403': [403, 'VPN.0003'],
} as const;
const NOT_FOUND = {
  'not-found-404': [404, 'VPN.0004'],
  'bad-request-400': [400, 'VPN.0001'],
} as const;

const PROFILES = Object.entries(ANSWER_PROFILES);

describe('Huawei VPN API simulator: the named answer profiles', () => {
  it('names profiles that together use every value of every field', () => {
    // Assess
    const used = (key: keyof AnswerProfile) => new Set(PROFILES.map(([, p]) => p[key]));
    expect(used('alreadyExists')).toEqual(new Set(Object.keys(ALREADY_EXISTS)));
    expect(used('notReady')).toEqual(new Set(Object.keys(NOT_READY)));
    expect(used('notFound')).toEqual(new Set(Object.keys(NOT_FOUND)));
    expect(ANSWER_PROFILES.documented).toEqual({
      alreadyExists: 'vpn-0381',
      notReady: 'conflict-409',
      notFound: 'not-found-404',
    });
  });
});

describe('Huawei VPN API simulator: answer profiles', () => {
  let t: TestSimulator;

  afterEach(async () => {
    await t.sim.stop();
  });

  it.each(PROFILES)('answers the undocumented cases as profile %s says', async (_name, profile) => {
    // Prepare
    t = await startTestSimulator({ answerProfile: profile });
    await t.createMonitor(CONNECTION_ID);
    t.sim.addConnection(PROJECT_ID, '11111111-2222-4333-a444-555555555555', 'PENDING_CREATE');
    t.sim.addConnection(PROJECT_ID, '66666666-7777-4888-a999-000000000000', 'PENDING_UPDATE');

    // Act
    const exists = await t.createMonitor(CONNECTION_ID);
    const creating = await t.createMonitor('11111111-2222-4333-a444-555555555555');
    const updating = await t.createMonitor('66666666-7777-4888-a999-000000000000');
    const missing = await t.createMonitor(UNKNOWN_CONNECTION_ID);

    // Assess: status and code as the profile says, and a message a person can read
    const [existsStatus, existsCode] = ALREADY_EXISTS[profile.alreadyExists];
    expect([exists.status, exists.json.error_code]).toEqual([existsStatus, existsCode]);
    expect(String(exists.json.error_msg)).toContain(CONNECTION_ID);
    const [readyStatus, readyCode] = NOT_READY[profile.notReady];
    expect([creating.status, creating.json.error_code]).toEqual([readyStatus, readyCode]);
    expect(String(creating.json.error_msg)).toContain('PENDING_CREATE');
    expect([updating.status, updating.json.error_code]).toEqual([readyStatus, readyCode]);
    expect(String(updating.json.error_msg)).toContain('PENDING_UPDATE');
    const [missingStatus, missingCode] = NOT_FOUND[profile.notFound];
    expect([missing.status, missing.json.error_code]).toEqual([missingStatus, missingCode]);
    expect(String(missing.json.error_msg)).toContain(UNKNOWN_CONNECTION_ID);
    expect(t.sim.monitors()).toHaveLength(1);
  });

  it('tells the three cases apart by message only under plain-400', async () => {
    // Prepare
    t = await startTestSimulator({ answerProfile: ANSWER_PROFILES['plain-400'] ?? {} });
    await t.createMonitor(CONNECTION_ID);
    t.sim.addConnection(PROJECT_ID, '11111111-2222-4333-a444-555555555555', 'PENDING_CREATE');

    // Act
    const answers = [
      await t.createMonitor(CONNECTION_ID),
      await t.createMonitor('11111111-2222-4333-a444-555555555555'),
      await t.createMonitor(UNKNOWN_CONNECTION_ID),
    ];

    // Assess
    expect(answers.map((a) => [a.status, a.json.error_code])).toEqual([
      [400, 'VPN.0001'],
      [400, 'VPN.0001'],
      [400, 'VPN.0001'],
    ]);
    expect(new Set(answers.map((a) => a.json.error_msg)).size).toBe(3);
    expect(answers[1]?.json.error_msg).toBe(
      'The VPN connection status is PENDING_CREATE, the operation is not allowed',
    );
  });

  it('changes the profile at run time, field by field, until a reset', async () => {
    // Prepare
    t = await startTestSimulator();
    await t.createMonitor(CONNECTION_ID);

    // Act
    const profile = t.sim.setAnswerProfile({ alreadyExists: 'conflict-409' });
    const changed = await t.createMonitor(CONNECTION_ID);
    const missing = await t.createMonitor(UNKNOWN_CONNECTION_ID);
    t.sim.reset();
    await t.createMonitor(CONNECTION_ID);
    const afterReset = await t.createMonitor(CONNECTION_ID);

    // Assess
    expect(profile).toEqual({
      alreadyExists: 'conflict-409',
      notReady: 'conflict-409',
      notFound: 'not-found-404',
    });
    expect(changed.status).toBe(409);
    expect(missing.status).toBe(404);
    expect(afterReset.json.error_code).toBe('VPN.0381');
  });

  it('refuses a value that is not in the profile', async () => {
    // Prepare
    t = await startTestSimulator();

    // Act
    const change = () =>
      t.sim.setAnswerProfile({ notFound: 'gone-410' } as unknown as Partial<AnswerProfile>);

    // Assess
    expect(change).toThrow();
    expect(t.sim.setAnswerProfile({}).notFound).toBe('not-found-404');
  });
});
