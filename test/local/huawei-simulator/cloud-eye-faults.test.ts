import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectToSimulator } from '../../../local/huawei-simulator/control-client.ts';
import {
  CLOUD_EYE_ERROR_FORMATS,
  type CloudEyeErrorFormat,
} from '../../../local/huawei-simulator/errors.ts';
import type { FaultRule } from '../../../local/huawei-simulator/schemas.ts';
import {
  CONNECTION_ID,
  CREDENTIALS,
  controllableSleep,
  type Json,
  OTHER_PROJECT_ID,
  PROJECT_ID,
  SECOND_CONNECTION_ID,
  startTestSimulator,
  type TestSimulator,
} from './helpers.ts';

let t: TestSimulator;

afterEach(async () => {
  await t.sim.stop();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const query = (ids: readonly string[], minutes = 5) => ({
  metrics: ids.map((id) => ({
    namespace: 'SYS.VPN',
    metric_name: 'connection_status',
    dimensions: [{ name: 'evpn_connection_id', value: id }],
  })),
  from: t.clock.now - minutes * 60_000,
  to: t.clock.now,
  period: '1',
  filter: 'average',
});

const batch = (
  body: unknown = query([CONNECTION_ID]),
  options: { projectId?: string; credentials?: typeof CREDENTIALS } = {},
) =>
  t.call({
    method: 'POST',
    path: `/V1.0/${options.projectId ?? PROJECT_ID}/batch-query-metric-data`,
    body: body as Json,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });

/** The body of Cloud Eye's own 400 `ces.0014` for `from >= to`, in each format. */
const BAD_BODY: Record<CloudEyeErrorFormat, (requestId: string) => Json> = {
  v2: (requestId) => ({
    error_code: 'ces.0014',
    error_msg: 'from must be less than to',
    request_id: requestId,
  }),
  v1: () => ({
    http_code: '400',
    message: { details: 'from must be less than to', code: 'ces.0014' },
  }),
  'v1-older': () => ({
    code: 400,
    element: 'Bad Request',
    message: 'from must be less than to',
    details: { details: 'from must be less than to', code: 'ces.0014' },
  }),
};

describe('the simulator as Cloud Eye: the shape of its errors', () => {
  it.each(CLOUD_EYE_ERROR_FORMATS)(
    'answers its own refusal in the %s shape, and the gateway and VPN API errors as before',
    async (format) => {
      // Prepare
      t = await startTestSimulator({ cloudEyeErrorFormat: format });
      await t.createMonitor(CONNECTION_ID);

      // Act
      const bad = await batch({ ...query([CONNECTION_ID]), from: t.clock.now });
      const unsigned = await batch(undefined, {
        credentials: { ak: CREDENTIALS.ak, sk: 'not-the-secret-key-at-all' },
      });
      const unknownProject = await batch(undefined, { projectId: OTHER_PROJECT_ID });
      t.sim.setCloudEyeRateLimit({ requestsPerSecond: 1 });
      await batch();
      const throttled = await batch();
      const duplicate = await t.createMonitor(CONNECTION_ID);

      // Assess
      expect(bad.status).toBe(400);
      expect(bad.json).toStrictEqual(BAD_BODY[format](String(bad.headers['x-request-id'])));
      for (const [answer, status, code] of [
        [unsigned, 401, 'APIGW.0301'],
        [unknownProject, 403, 'APIGW.0310'],
        [throttled, 429, 'APIGW.0308'],
      ] as const) {
        expect(answer.status).toBe(status);
        expect(answer.json).toStrictEqual({
          error_code: code,
          error_msg: expect.any(String),
          request_id: expect.stringMatching(UUID),
        });
      }
      expect(duplicate.json).toMatchObject({ error_code: 'VPN.0381' });
    },
  );

  it('changes shape on a running simulator, in-process and over HTTP, and reset restores it', async () => {
    // Prepare
    t = await startTestSimulator({ cloudEyeErrorFormat: 'v1' });
    const remote = connectToSimulator(t.sim.endpoint);
    const bad = { ...query([CONNECTION_ID]), from: t.clock.now };

    // Act
    const asStarted = await batch(bad);
    t.sim.setCloudEyeErrorFormat('v1-older');
    const older = await batch(bad);
    await remote.setCloudEyeErrorFormat('v2');
    const v2 = await batch(bad);
    const refused = await remote.setCloudEyeErrorFormat('v3' as CloudEyeErrorFormat).then(
      () => undefined,
      (error: unknown) => error,
    );
    const refusedInProcess = () => t.sim.setCloudEyeErrorFormat('v0' as CloudEyeErrorFormat);
    t.sim.reset();
    const afterReset = await batch(bad);

    // Assess
    expect(asStarted.json).toHaveProperty('http_code', '400');
    expect(older.json).toMatchObject({ code: 400, details: { code: 'ces.0014' } });
    expect(v2.json).toMatchObject({ error_code: 'ces.0014' });
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/format: .*"v2"\|"v1"\|"v1-older"/);
    expect(refusedInProcess).toThrow();
    expect(afterReset.json).toHaveProperty('http_code', '400');
  });
});

/** Cloud Eye's documented message for `ces.0017`. */
const RIGHTS =
  'The authentication information is incorrect or the service invoker does not have sufficient rights.';

describe('the simulator as Cloud Eye: injected faults', () => {
  it.each([
    [
      'v1',
      {
        status: 403,
        code: '403',
        message: "Policy doesn't allow [ces:metricData:list] to be performed",
      },
      {
        http_code: '403',
        message: {
          details: "Policy doesn't allow [ces:metricData:list] to be performed",
          code: '403',
        },
      },
    ],
    [
      'v1-older',
      { status: 400, code: 'ces.0014', message: 'Some content in message body is not correct.' },
      {
        code: 400,
        element: 'Bad Request',
        message: 'Some content in message body is not correct.',
        details: { details: 'Some content in message body is not correct.', code: 'ces.0014' },
      },
    ],
    [
      'v2',
      { status: 403, code: 'ces.0017', message: RIGHTS },
      { error_code: 'ces.0017', error_msg: RIGHTS, request_id: expect.stringMatching(UUID) },
    ],
  ] as const)(
    'answers a status fault in the %s shape, once, after the signature and the project check',
    async (format, fault, body) => {
      // Prepare
      t = await startTestSimulator({ cloudEyeErrorFormat: format });
      await t.createMonitor(CONNECTION_ID);
      t.sim.injectFault({ kind: 'status', operation: 'batchQueryMetricData', ...fault });

      // Act
      const unsigned = await batch(undefined, {
        credentials: { ak: CREDENTIALS.ak, sk: 'not-the-secret-key-at-all' },
      });
      const unknownProject = await batch(undefined, { projectId: OTHER_PROJECT_ID });
      const faulted = await batch();
      const next = await batch();

      // Assess
      expect(unsigned.status).toBe(401);
      expect(unknownProject.status).toBe(403);
      expect(unknownProject.json).toMatchObject({ error_code: 'APIGW.0310' });
      expect(faulted.status).toBe(fault.status);
      expect(faulted.json).toStrictEqual(body);
      expect(next.status).toBe(200);
      expect(t.sim.pendingFaults()).toEqual([]);
      expect(t.sim.stats().faultsByKind).toEqual({ status: 1 });
    },
  );

  it("fills in Cloud Eye's documented code when a status fault names only its status", async () => {
    // Prepare
    t = await startTestSimulator();
    for (const status of [400, 403, 429, 500, 503])
      t.sim.injectFault({ kind: 'status', operation: 'batchQueryMetricData', status });

    // Act
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await batch());

    // Assess
    expect(answers.map((a) => [a.status, a.json.error_code])).toEqual([
      [400, 'ces.0014'],
      [403, 'ces.0017'],
      [429, 'APIGW.0308'],
      [500, 'ces.0007'],
      [503, 'APIGW.0201'],
    ]);
  });

  it('leaves Cloud Eye alone under rules for any operation and under random faults, unless named', async () => {
    // Prepare
    t = await startTestSimulator();
    await t.createMonitor(CONNECTION_ID);
    t.sim.injectFault({ kind: 'status', status: 500 });
    t.sim.injectFault({ kind: 'status', status: 502, operation: 'any' });

    // Act
    const underQueuedRules = await batch();
    const vpn = [
      await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` }),
      await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` }),
    ];
    t.sim.setRandomFaults({ rate: 1, kinds: ['server-error'], seed: 1 });
    const underRandom = await batch();
    t.sim.setRandomFaults({
      rate: 1,
      kinds: ['throttle'],
      seed: 1,
      operations: ['batchQueryMetricData'],
    });
    const named = await batch();
    const vpnUnnamed = await t.call({ path: `/v5/${PROJECT_ID}/connection-monitors` });

    // Assess
    expect(underQueuedRules.status).toBe(200);
    expect(vpn.map((a) => a.status)).toEqual([500, 502]);
    expect(underRandom.status).toBe(200);
    expect([named.status, named.json.error_code]).toEqual([429, 'APIGW.0308']);
    expect(vpnUnnamed.status).toBe(200);
  });

  it('targets a query that asks about the connection named', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({
      kind: 'status',
      operation: 'batchQueryMetricData',
      connectionId: SECOND_CONNECTION_ID,
      status: 403,
    });

    // Act
    const other = await batch(query([CONNECTION_ID]));
    const asking = await batch(query([CONNECTION_ID, SECOND_CONNECTION_ID]));

    // Assess
    expect(other.status).toBe(200);
    expect(asking.status).toBe(403);
  });

  it('delays a query, then answers it', async () => {
    // Prepare
    const clock = controllableSleep();
    t = await startTestSimulator({ sleep: clock.sleep });
    t.sim.injectFault({ kind: 'delay', operation: 'batchQueryMetricData', ms: 2500 });

    // Act
    const pending = batch();
    await vi.waitFor(() => expect(clock.waiting).toHaveLength(1));
    const waited = clock.waiting[0]?.ms;
    clock.releaseAll();
    const answer = await pending;

    // Assess
    expect(waited).toBe(2500);
    expect(answer.status).toBe(200);
  });

  it('resets the connection before answering on drop-before, after on drop-after', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({ kind: 'drop-before', operation: 'batchQueryMetricData' });
    t.sim.injectFault({ kind: 'drop-after', operation: 'batchQueryMetricData' });

    // Act
    const before = batch();
    await expect(before).rejects.toThrow();
    const answeredBefore = t.sim.cloudEyeStats().calls;
    const after = batch();
    await expect(after).rejects.toThrow();
    const next = await batch();

    // Assess
    expect(answeredBefore).toBe(0);
    expect(t.sim.cloudEyeStats().calls).toBe(2);
    expect(next.status).toBe(200);
    expect(t.sim.stats().byOperationAndStatus.batchQueryMetricData).toEqual({
      dropped: 2,
      '200': 1,
    });
  });

  it('refuses an another-connection fault for Cloud Eye, in-process and over HTTP', async () => {
    // Prepare
    t = await startTestSimulator();
    const remote = connectToSimulator(t.sim.endpoint);
    const rule: FaultRule = { kind: 'another-connection', operation: 'batchQueryMetricData' };

    // Act
    const inProcess = () => t.sim.injectFault(rule);
    const overHttp = remote.injectFault(rule);

    // Assess
    expect(inProcess).toThrow(
      /batchQueryMetricData takes status, delay, drop-before, drop-after, garble, answer faults, not another-connection/,
    );
    await expect(overHttp).rejects.toThrow(/kind: batchQueryMetricData takes/);
    expect(t.sim.pendingFaults()).toEqual([]);
  });
});

describe('the simulator as Cloud Eye: broken answers', () => {
  const JSON_TYPE = 'application/json;charset=UTF-8';

  it.each([
    ['its answer cut in half', { form: 'truncated' }, 200, JSON_TYPE],
    ['an HTML page at 200', { form: 'html' }, 200, 'text/html;charset=UTF-8'],
    ['an HTML page at 502', { form: 'html', status: 502 }, 502, 'text/html;charset=UTF-8'],
  ] as const)(
    'answers the query, then sends %s instead, once (a rule taken over HTTP)',
    async (_, garble, status, contentType) => {
      // Prepare
      t = await startTestSimulator();
      await t.createMonitor(CONNECTION_ID);
      await connectToSimulator(t.sim.endpoint).injectFault({
        kind: 'garble',
        operation: 'batchQueryMetricData',
        ...garble,
      });

      // Act: the garbled answer, then the same query answered as it really is
      const garbled = await batch();
      const real = await batch();

      // Assess
      expect(garbled.status).toBe(status);
      expect(garbled.headers['content-type']).toBe(contentType);
      expect(garbled.headers['x-request-id']).toMatch(UUID);
      if (garble.form === 'truncated') {
        expect(garbled.text).toBe(real.text.slice(0, Math.floor(real.text.length / 2)));
        expect(() => JSON.parse(garbled.text)).toThrow();
      } else {
        expect(garbled.text).toMatch(/^<!DOCTYPE html>.*Bad Gateway/);
      }
      expect(real.status).toBe(200);
      expect(real.json.metrics).toHaveLength(1);
      expect(t.sim.cloudEyeStats().calls).toBe(2);
      expect(t.sim.pendingFaults()).toEqual([]);
      expect(t.sim.stats().faultsByKind).toEqual({ garble: 1 });
      expect(t.sim.stats().byOperationAndStatus.batchQueryMetricData).toEqual(
        status === 200 ? { '200': 2 } : { [status]: 1, '200': 1 },
      );
    },
  );

  it("cuts Cloud Eye's own refusal in half in its error shape", async () => {
    // Prepare
    t = await startTestSimulator({ cloudEyeErrorFormat: 'v1' });
    t.sim.injectFault({ kind: 'garble', form: 'truncated', operation: 'batchQueryMetricData' });
    const bad = { ...query([CONNECTION_ID]), from: t.clock.now };

    // Act
    const garbled = await batch(bad);
    const refusal = await batch(bad);

    // Assess: v1's body (no request id), not the VPN API's, cut in half at the refusal's status
    expect(refusal.json).toHaveProperty('http_code', '400');
    expect(garbled.status).toBe(400);
    expect(garbled.text).toBe(refusal.text.slice(0, Math.floor(refusal.text.length / 2)));
  });

  it.each([
    [
      'after answering the query',
      { status: 200, body: '<html>Proxy error</html>', contentType: 'text/html' },
      'text/html',
      1,
    ],
    [
      'without answering it (the gateway alone)',
      { status: 502, body: '{"error":"upstream', handled: false },
      JSON_TYPE,
      0,
    ],
  ] as const)(
    'sends an answer fault %s: its status, body and content type, once',
    async (_, answer, contentType, handled) => {
      // Prepare
      t = await startTestSimulator();
      await t.createMonitor(CONNECTION_ID);
      t.sim.injectFault({ kind: 'answer', operation: 'batchQueryMetricData', ...answer });

      // Act
      const broken = await batch();
      const handledBefore = t.sim.cloudEyeStats().calls;
      const next = await batch();

      // Assess
      expect(broken.status).toBe(answer.status);
      expect(broken.text).toBe(answer.body);
      expect(broken.headers['content-type']).toBe(contentType);
      expect(handledBefore).toBe(handled);
      expect(next.status).toBe(200);
      expect(next.json.metrics).toHaveLength(1);
      expect(t.sim.pendingFaults()).toEqual([]);
      expect(t.sim.stats().faultsByKind).toEqual({ answer: 1 });
    },
  );

  it('breaks only the queries that ask about the connection named, `times` times', async () => {
    // Prepare
    t = await startTestSimulator();
    t.sim.injectFault({
      kind: 'answer',
      operation: 'batchQueryMetricData',
      connectionId: SECOND_CONNECTION_ID,
      status: 200,
      body: 'not json',
      contentType: 'text/plain',
      times: 2,
    });

    // Act
    const other = await batch(query([CONNECTION_ID]));
    const asking = [];
    for (let i = 0; i < 3; i += 1)
      asking.push(await batch(query([CONNECTION_ID, SECOND_CONNECTION_ID])));

    // Assess
    expect(other.json.metrics).toHaveLength(1);
    expect(asking.map((a) => [a.status, a.text === 'not json'])).toEqual([
      [200, true],
      [200, true],
      [200, false],
    ]);
    expect(asking[2]?.json.metrics).toHaveLength(2);
    expect(t.sim.pendingFaults()).toEqual([]);
  });
});
