import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  canonicalRequest,
  formatSdkDate,
  type HuaweiCredentials,
} from '../../../lib/huawei/signer.ts';
import {
  CONNECTION_ID,
  CREDENTIALS,
  PROJECT_ID,
  startTestSimulator,
  type TestSimulator,
} from './helpers.ts';

const MONITORS = `/v5/${PROJECT_ID}/connection-monitors`;
const MINUTE = 60_000;
const WRONG_SK: HuaweiCredentials = { ak: CREDENTIALS.ak, sk: 'a-wrong-secret-key' };

describe('Huawei VPN API simulator: AK/SK signatures', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator();
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it('accepts a request signed like the official SDKs sign it', async () => {
    // Act
    const response = await t.call({ path: MONITORS });

    // Assess
    expect(response.status).toBe(200);
  });

  it('refuses a wrong signature with 401 APIGW.0301, echoing its canonical request, never the SK', async () => {
    // Prepare
    const body = JSON.stringify({ connection_monitor: { vpn_connection_id: CONNECTION_ID } });
    const url = new URL(`${t.sim.endpoint}${MONITORS}`);
    const headers = {
      'content-type': 'application/json',
      host: url.host,
      'x-project-id': PROJECT_ID,
      'x-sdk-date': formatSdkDate(new Date(t.clock.now)),
    };
    const expected = canonicalRequest(
      { method: 'POST', url, headers, body },
      Object.keys(headers),
    ).replaceAll('\n', '|');

    // Act
    const response = await t.call({ method: 'POST', path: MONITORS, body, credentials: WRONG_SK });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.error_msg).toContain(`canonicalRequest:${expected}`);
    expect(response.json.request_id).toBe(response.headers['x-request-id']);
    expect(response.text).not.toContain(CREDENTIALS.sk);
    expect(response.text).not.toContain(WRONG_SK.sk);
    expect(t.sim.monitors()).toEqual([]);
    expect(t.sim.stats().authFailures).toBe(1);
  });

  it.each([
    [
      'no Authorization header',
      (h: Record<string, string>) => delete h.authorization,
      'x-auth-token not found',
    ],
    [
      'a garbled Authorization header',
      (h: Record<string, string>) => {
        h.authorization = 'SDK-HMAC-SHA256 Access=x, Signature=zz';
      },
      'Authorization is not',
    ],
    [
      'another algorithm',
      (h: Record<string, string>) => {
        h.authorization = h.authorization?.replace('SDK-HMAC-SHA256', 'AWS4-HMAC-SHA256') ?? '';
      },
      'Authorization is not',
    ],
  ])('refuses %s with 401 APIGW.0301', async (_label, tamper, message) => {
    // Act
    const response = await t.call({ path: MONITORS, afterSigning: tamper });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.error_msg).toContain(message);
  });

  it('refuses an unknown access key, echoing the canonical request', async () => {
    // Act
    const response = await t.call({
      path: MONITORS,
      credentials: { ak: 'UNKNOWNAK', sk: CREDENTIALS.sk },
    });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.error_msg).toContain('UNKNOWNAK');
    expect(response.json.error_msg).toContain(`canonicalRequest:GET|${MONITORS}/|`);
    expect(response.text).not.toContain(CREDENTIALS.sk);
  });

  it('hashes the exact bytes received: a body changed after signing is refused', async () => {
    // Act
    const response = await t.call({
      method: 'POST',
      path: MONITORS,
      body: { connection_monitor: { vpn_connection_id: CONNECTION_ID } },
      sendBody: JSON.stringify(
        { connection_monitor: { vpn_connection_id: CONNECTION_ID } },
        null,
        1,
      ),
    });

    // Assess
    expect(response.status).toBe(401);
    expect(t.sim.monitors()).toEqual([]);
  });

  it('honours X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD, and refuses a content hash that lies', async () => {
    // Prepare
    const body = { connection_monitor: { vpn_connection_id: CONNECTION_ID } };

    // Act
    const lying = await t.call({
      method: 'POST',
      path: MONITORS,
      body,
      headers: {
        'x-sdk-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
    });
    const unsigned = await t.call({
      method: 'POST',
      path: MONITORS,
      body,
      headers: { 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
    });

    // Assess
    expect(lying.status).toBe(401);
    expect(lying.json.error_msg).toContain('x-sdk-content-sha256');
    expect(unsigned.status).toBe(201);
  });

  it('verifies the host header as received', async () => {
    // Act
    const asSent = await t.call({
      path: MONITORS,
      headers: { host: 'vpn.cn-north-4.myhuaweicloud.com' },
    });
    const changed = await t.call({
      path: MONITORS,
      afterSigning: (h) => {
        h.host = 'vpn.ap-southeast-1.myhuaweicloud.com';
      },
    });

    // Assess
    expect(asSent.status).toBe(200);
    expect(changed.status).toBe(401);
  });

  it('verifies a canonical query with encoded and repeated parameters', async () => {
    // Act
    const response = await t.call({
      path: `${MONITORS}?vpn_connection_id=${CONNECTION_ID}&enterprise_project_id=b%20c&enterprise_project_id=a&empty=`,
    });

    // Assess
    expect(response.status).toBe(200);
  });

  it.each([
    [
      'missing',
      { afterSigning: (h: Record<string, string>) => delete h['x-sdk-date'] },
      'x-sdk-date not found',
    ],
    [
      'malformed',
      { headers: { 'x-sdk-date': '2026-06-11T08:00:00Z' } },
      'is not a YYYYMMDDTHHMMSSZ',
    ],
    [
      'an impossible date',
      { headers: { 'x-sdk-date': '20260231T080000Z' } },
      'is not a YYYYMMDDTHHMMSSZ',
    ],
    ['not signed', { signedHeaders: ['host', 'content-type'] }, 'x-sdk-date is not signed'],
  ])('refuses an X-Sdk-Date that is %s with 401 APIGW.0301', async (_label, options, message) => {
    // Act
    const response = await t.call({ path: MONITORS, ...options });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.error_msg).toContain(message);
  });

  it.each([
    ['16 minutes behind', 401, -16 * MINUTE],
    ['16 minutes ahead', 401, 16 * MINUTE],
    ['14 minutes behind', 200, -14 * MINUTE],
    ['exactly 15 minutes ahead', 200, 15 * MINUTE],
  ])('with a client clock %s, answers %i', async (_label, status, skew) => {
    // Act
    const response = await t.call({ path: MONITORS, date: new Date(t.clock.now + skew) });

    // Assess
    expect(response.status).toBe(status);
    if (status === 401) expect(response.json.error_msg).toContain('more than 15 minutes');
  });

  it('accepts rotated credentials and refuses the old ones after setCredentials', async () => {
    // Prepare
    const rotated = { ak: 'ROTATEDAK', sk: 'rotated-secret' };
    t.sim.setCredentials([rotated]);

    // Act
    const old = await t.call({ path: MONITORS });
    const current = await t.call({ path: MONITORS, credentials: rotated });

    // Assess
    expect(old.status).toBe(401);
    expect(current.status).toBe(200);
  });
});

describe('Huawei VPN API simulator: temporary credentials', () => {
  const TEMPORARY: HuaweiCredentials = {
    ak: 'TEMPAK0001',
    sk: 'temporary-secret',
    securityToken: 'gQpjbi1ub3J0aC00security-token',
  };
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator({ credentials: [TEMPORARY] });
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  it('accepts a request carrying the signed security token', async () => {
    // Act
    const response = await t.call({ path: MONITORS, credentials: TEMPORARY });

    // Assess
    expect(response.status).toBe(200);
  });

  it.each([
    ['no token', { ak: TEMPORARY.ak, sk: TEMPORARY.sk }, undefined],
    ['another token', { ...TEMPORARY, securityToken: 'stolen' }, undefined],
    ['an unsigned token', TEMPORARY, ['content-type', 'host', 'x-project-id', 'x-sdk-date']],
  ])('refuses %s with 401', async (_label, credentials, signedHeaders) => {
    // Act
    const response = await t.call({
      path: MONITORS,
      credentials,
      ...(signedHeaders === undefined ? {} : { signedHeaders }),
    });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.error_msg).toContain('x-security-token');
  });
});

describe('Huawei VPN API simulator: lockout', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator();
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  const failTimes = async (count: number) => {
    for (let i = 0; i < count; i += 1) {
      const response = await t.call({ path: MONITORS, credentials: WRONG_SK });
      expect(response.json.error_code).toBe('APIGW.0301');
    }
  };

  it('locks the key for 5 minutes after 5 consecutive failures, even for a correct signature', async () => {
    // Prepare
    await failTimes(5);

    // Act
    const locked = await t.createMonitor(CONNECTION_ID);
    t.clock.now += 5 * MINUTE - 1000;
    const stillLocked = await t.call({ path: MONITORS });
    t.clock.now += 1000;
    const unlocked = await t.createMonitor(CONNECTION_ID);

    // Assess
    // Huawei's words for a locked key: the same code as every signature refusal
    expect(locked.status).toBe(401);
    expect(locked.json).toMatchObject({
      error_code: 'APIGW.0301',
      error_msg:
        'Incorrect IAM authentication information: AK access failed to reach the limit,forbidden.',
    });
    expect(locked.text).not.toContain(CREDENTIALS.sk);
    expect(stillLocked.status).toBe(401);
    expect(stillLocked.json.error_msg).toContain('AK access failed to reach the limit,forbidden');
    expect(unlocked.status).toBe(201);
    expect(t.sim.stats()).toMatchObject({ authFailures: 7, lockedRefusals: 2, created: 1 });
  });

  it('resets the count on a success', async () => {
    // Prepare
    await failTimes(4);
    await t.call({ path: MONITORS });
    await failTimes(4);

    // Act
    const response = await t.call({ path: MONITORS });

    // Assess
    expect(response.status).toBe(200);
  });

  it('locks only the key that failed', async () => {
    // Prepare
    const other = { ak: 'SECONDAK', sk: 'second-secret' };
    t.sim.setCredentials([CREDENTIALS, other]);
    await failTimes(5);

    // Act
    const response = await t.call({ path: MONITORS, credentials: other });

    // Assess
    expect(response.status).toBe(200);
  });

  it('forgets locks on reset', async () => {
    // Prepare
    await failTimes(5);
    t.sim.reset();

    // Act
    const response = await t.call({ path: MONITORS });

    // Assess
    expect(response.status).toBe(200);
  });
});
