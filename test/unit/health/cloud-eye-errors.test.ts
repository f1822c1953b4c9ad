import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuaweiApiError, HuaweiUnreadableAnswerError } from '../../../lib/errors.ts';
import { classify } from '../../../lib/retry/index.ts';
import { queryCloudEye } from './cloud-eye-query.ts';

// Cloud Eye's API reference shows its error body in three shapes (docs/huawei-api.md, "Cloud
// Eye"): v1's current edition, v1's older editions, and v2's. Which one the v1 batch query
// answers today is not settled by the sources, so the client must read the refusal in each.

const CREDENTIALS = { ak: 'HPUAEXAMPLEACCESSKEY', sk: 'k3Y9wQe7Lr2Vb8Nx5Tz1Pm4Hs6Jd0Fg3Cu7Ai9Ob' };

const SHAPES = {
  'v1, current edition': {
    http_code: '403',
    message: { details: "Policy doesn't allow [ces:metricData:list] to be performed", code: '403' },
  },
  'v1, older editions': {
    code: 400,
    element: 'Bad Request',
    message: 'The system received a request which cannot be recognized',
    details: { details: 'Some content in message body is not correct', code: 'ces.0014' },
  },
  v2: { error_code: 'ces.0014', error_msg: 'Some content in message body is not correct' },
} as const;

let answer: { status: number; body: unknown } = { status: 200, body: {} };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const refusal = (status: number, body: unknown): Promise<unknown> => {
  answer = { status, body };
  return queryCloudEye(base, CREDENTIALS);
};

describe('Cloud Eye error answers', () => {
  it('reads the v1 current-edition refusal: its code and details, not an unreadable answer', async () => {
    const failure = await refusal(403, SHAPES['v1, current edition']);
    expect(failure).toBeInstanceOf(HuaweiApiError);
    expect(failure).not.toBeInstanceOf(HuaweiUnreadableAnswerError);
    expect(failure).toMatchObject({
      status: 403,
      code: '403',
      huaweiMessage: "Policy doesn't allow [ces:metricData:list] to be performed",
    });
    expect(classify(failure).kind).not.toBe('unreadable');
  });

  it.each([
    ['v1, older editions', SHAPES['v1, older editions']],
    ['v2', SHAPES.v2],
  ] as const)('reads the %s refusal: its ces code and text', async (_, body) => {
    const failure = await refusal(400, body);
    expect(failure).toBeInstanceOf(HuaweiApiError);
    expect(failure).not.toBeInstanceOf(HuaweiUnreadableAnswerError);
    expect(failure).toMatchObject({
      status: 400,
      code: 'ces.0014',
      huaweiMessage: 'Some content in message body is not correct',
    });
    // The message names the service that refused, not the VPN API.
    expect((failure as Error).message).toBe(
      'Huawei Cloud Eye batchQueryMetricData failed with HTTP 400 ces.0014: Some content in message body is not correct',
    );
  });

  it('still calls a body in none of the shapes unreadable', async () => {
    const failure = await refusal(400, { code: { nested: true } });
    expect(failure).toBeInstanceOf(HuaweiUnreadableAnswerError);
    expect((failure as Error).message).toMatch(
      /^Huawei Cloud Eye batchQueryMetricData got an unreadable answer, HTTP 400/,
    );
  });
});

describe('Cloud Eye answers at HTTP 200', () => {
  it.each([
    ['a gateway error', { error_code: 'APIGW.0201', error_msg: 'Backend unavailable' }],
    ...Object.entries(SHAPES),
  ])('takes %s sent with a 200 for an unreadable answer, not for "no data"', async (_, body) => {
    const failure = await refusal(200, body);
    expect(failure).toBeInstanceOf(HuaweiUnreadableAnswerError);
    expect(classify(failure).kind).toBe('unreadable');
    expect((failure as Error).message).toMatch(
      /^Huawei Cloud Eye batchQueryMetricData got an unreadable answer, HTTP 200/,
    );
  });

  it.each([
    ['no metrics at all', {}],
    ['an empty metrics list', { metrics: [] }],
  ])('reads %s as no data', async (_, body) => {
    expect(await refusal(200, body)).toBeUndefined();
  });
});
