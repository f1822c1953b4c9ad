import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  authorization,
  canonicalRequest,
  encodeRfc3986,
  type HuaweiCredentials,
  parseAuthorization,
  type RequestToSign,
} from '../../../lib/huawei/signer.ts';
import vectorsJson from '../../fixtures/signing-vectors.json' with { type: 'json' };

const vectorsSchema = z.object({
  cases: z
    .array(
      z.object({
        name: z.string(),
        ak: z.string(),
        sk: z.string(),
        method: z.string(),
        url: z.string(),
        headers: z.record(z.string(), z.string()),
        signedHeaders: z.array(z.string()),
        body: z.string(),
        canonicalRequestSha256: z.string().optional(),
        authorization: z.string(),
      }),
    )
    .min(1),
  queryEncoding: z.object({
    params: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    canonical: z.string(),
  }),
});
const vectors = vectorsSchema.parse(vectorsJson);
type SigningVector = (typeof vectors.cases)[number];

/** The request object `AKSKSigner.sign` reads (see the SDK's `http/IHttpRequest`), no more. */
interface OfficialRequest {
  method: string;
  /** The full URL without its query: `HcClient` joins the endpoint and the filled-in path. */
  endpoint: string;
  headers: Record<string, string>;
  queryParams: Record<string, string | string[]>;
  /** Hashed as `JSON.stringify(data)` when truthy, as the empty body otherwise. */
  data: unknown;
}

interface OfficialSignerModule {
  AKSKSigner: {
    sign(
      request: OfficialRequest,
      credential: { getAk(): string; getSk(): string },
    ): Record<string, string>;
  };
}

// The official Node SDK core is CommonJS; only its signer is loaded, not the HTTP client.
const requireCommonJs = createRequire(import.meta.url);
const { AKSKSigner } = requireCommonJs(
  '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner',
) as OfficialSignerModule;

const SDK_DATE = '20240501T120000Z';
const CREDENTIALS: HuaweiCredentials = {
  ak: 'QTWAOYTTINDUT2QVKYUC',
  sk: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
};
const PROJECT_ID = '0b1c6d5e7f8a4b3c9d2e1f0a6b5c4d3e';
const MONITOR_BODY = JSON.stringify({ connection_monitor: { vpn_connection_id: 'f2c5e7a1-vpn' } });

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const requestFromVector = (vector: SigningVector): RequestToSign => ({
  method: vector.method,
  url: new URL(vector.url),
  headers: vector.headers,
  body: vector.body,
});

/** A request shaped like the ones the VPN client sends: encoded segments, JSON, signed project. */
const monitorRequest = (overrides: Partial<RequestToSign> = {}): RequestToSign => ({
  method: 'POST',
  url: new URL(
    `https://vpn.cn-north-4.myhuaweicloud.com/v5/${PROJECT_ID}/connection-monitors?limit=10`,
  ),
  headers: {
    'content-type': 'application/json;charset=UTF-8',
    host: 'vpn.cn-north-4.myhuaweicloud.com',
    'x-project-id': PROJECT_ID,
    'x-sdk-date': SDK_DATE,
  },
  body: MONITOR_BODY,
  ...overrides,
});

const signatureOf = (header: string): string | undefined => parseAuthorization(header)?.signature;

describe('published signing vectors', () => {
  it.each(vectors.cases)('reproduces the Authorization header of $name', (vector) => {
    // Prepare
    const request = requestFromVector(vector);

    // Act
    const header = authorization(request, { ak: vector.ak, sk: vector.sk }, vector.signedHeaders);

    // Assess
    expect(header).toBe(vector.authorization);
  });

  const withCanonicalHash = vectors.cases.flatMap((vector) =>
    vector.canonicalRequestSha256 === undefined
      ? []
      : [{ vector, expected: vector.canonicalRequestSha256 }],
  );

  it('has at least one vector that publishes its canonical request hash', () => {
    // Assess
    expect(withCanonicalHash.length).toBeGreaterThan(0);
  });

  it.each(withCanonicalHash)(
    'builds the canonical request of $vector.name',
    ({ vector, expected }) => {
      // Prepare
      const request = requestFromVector(vector);

      // Act
      const canonical = canonicalRequest(request, vector.signedHeaders);

      // Assess
      expect(sha256(canonical)).toBe(expected);
    },
  );

  it.each([
    { order: 'as published', reverse: false },
    { order: 'added in reverse', reverse: true },
  ])('builds the published canonical query string with params $order', ({ reverse }) => {
    // Prepare
    const url = new URL('https://example.huaweicloud.com/path');
    const params = Object.entries(vectors.queryEncoding.params);
    for (const [key, value] of reverse ? params.reverse() : params) {
      const values = typeof value === 'string' ? [value] : [...value];
      for (const each of reverse ? values.reverse() : values) url.searchParams.append(key, each);
    }
    const request: RequestToSign = { method: 'GET', url, headers: {}, body: '' };

    // Act
    const canonicalQuery = canonicalRequest(request, []).split('\n')[2];

    // Assess
    expect(canonicalQuery).toBe(vectors.queryEncoding.canonical);
  });
});

// What the official signer does differently, and why the generators below stay clear of it.
// None of these is a fault in our signer; each disagrees with the published algorithm or with
// what the SDK itself puts on the wire.
// - Path: it signs `url.parse(endpoint).pathname` without decoding it first. `url.parse`
//   percent-escapes a few characters itself (space, tab, CR, LF, " ' < > \ ^ ` { | }), which the
//   signer then escapes a second time (a space signs as `%2520`), while the request goes out
//   with `%20`. It also trims white space and control characters off the end of the URL. So
//   path segments avoid those characters (and `/ ? #`, which end a raw segment).
// - Query order: it sorts the raw keys, and the raw values of a repeated key, by UTF-16 code
//   unit; the guide sorts the URI-encoded names. The two orders differ once an escaped
//   character sits where an unreserved one would (`a/` sorts after `a.` raw, before it encoded)
//   or a non-ASCII key meets an ASCII one. Query params are kept to sets where both orders agree.
// - Header values: it signs them untrimmed where the algorithm trims them; the generated values
//   never start or end with white space, as real ones don't.
// - Date: it looks up `X-Sdk-Date` by that exact spelling (and signs the current time when it is
//   missing), so the official request carries that spelling; ours uses lowercase names.
// - Body: it hashes `JSON.stringify(data)` when `data` is truthy and the empty body otherwise, so
//   bodies are JSON objects (or absent), and ours are their `JSON.stringify` output.
const OFFICIAL_PATH_QUIRKS = /["'<>\\^`{|}/?#\p{Cc}\p{Z}\uFEFF]/u;

const singleChar = fc.oneof(
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

const pathSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9-]{1,36}$/),
  fc.uuid(),
  fc
    .string({
      unit: singleChar.filter((c) => !OFFICIAL_PATH_QUIRKS.test(c)),
      minLength: 1,
      maxLength: 12,
    })
    .filter((segment) => segment !== '.' && segment !== '..'),
);

const path = fc
  .record({
    projectId: fc.stringMatching(/^[0-9a-f]{32}$/),
    resource: fc.constantFrom('connection-monitors', 'vpn-connections', 'vpn-gateways'),
    ids: fc.array(pathSegment, { maxLength: 2 }),
  })
  .map(({ projectId, resource, ids }) => ({
    projectId,
    segments: ['v5', projectId, resource, ...ids],
  }));

const sortsTheSameRawAndEncoded = (strings: readonly string[]): boolean => {
  const rawOrder = [...strings].sort().map(encodeRfc3986);
  const encodedOrder = strings.map(encodeRfc3986).sort();
  return rawOrder.every((value, index) => value === encodedOrder[index]);
};

const queryText = (maxLength: number) =>
  fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,19}$/),
    // Few characters, so that one key is often a prefix of another (`a`, `a-`, `a1`): `a=` must
    // still sort before `a-=`, although `-` and digits sort before `=`.
    fc.string({ unit: fc.constantFrom(...'ab1-._~'), minLength: 1, maxLength: 3 }),
    fc.string({ unit: singleChar, minLength: 1, maxLength }),
  );

const query = fc
  .uniqueArray(
    fc.record({
      key: queryText(8),
      values: fc
        .array(fc.oneof(fc.constant(''), queryText(12)), { minLength: 1, maxLength: 3 })
        .filter(sortsTheSameRawAndEncoded),
    }),
    { selector: ({ key }) => key, maxLength: 5 },
  )
  .filter((params) => sortsTheSameRawAndEncoded(params.map(({ key }) => key)))
  .chain((params) => {
    const pairs = params.flatMap(({ key, values }) => values.map((value) => [key, value] as const));
    return fc
      .shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length })
      .map((sendOrder) => ({ params, sendOrder }));
  });

const jsonBody = fc.option(
  fc.dictionary(
    fc.string({ unit: singleChar, maxLength: 10 }),
    fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
    { maxKeys: 5 },
  ),
  { nil: undefined },
);

// The URL sent may have been built by any encoder, so the signer must re-encode its path: WHATWG
// `URL` keeps `! ' ( ) * : @ [ ] ...` as they come and accepts lowercase escapes.
const PATH_ENCODERS = {
  rfc3986: encodeRfc3986,
  uriComponent: encodeURIComponent,
  lowercaseHex: (segment: string) =>
    encodeURIComponent(segment).replace(/%[0-9A-F]{2}/g, (percentEscape) =>
      percentEscape.toLowerCase(),
    ),
  onlyPercent: (segment: string) => segment.replaceAll('%', '%25'),
} satisfies Record<string, (segment: string) => string>;
const PATH_ENCODINGS = [
  'rfc3986',
  'uriComponent',
  'lowercaseHex',
  'onlyPercent',
] as const satisfies readonly (keyof typeof PATH_ENCODERS)[];

const signingInput = fc.record({
  pathEncoding: fc.constantFrom(...PATH_ENCODINGS),
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
  host: fc.domain(),
  path,
  query,
  body: jsonBody,
  contentType: fc.constantFrom('application/json', 'application/json;charset=UTF-8'),
  securityToken: fc.option(fc.base64String({ minLength: 4, maxLength: 64 }), { nil: undefined }),
  ak: fc.stringMatching(/^[A-Z0-9]{20}$/),
  sk: fc.string({ unit: singleChar, minLength: 1, maxLength: 40 }),
});
type SigningInput = typeof signingInput extends fc.Arbitrary<infer T> ? T : never;

const signWithOurs = (input: SigningInput): string => {
  const url = new URL(
    `https://${input.host}/${input.path.segments.map(PATH_ENCODERS[input.pathEncoding]).join('/')}`,
  );
  for (const [key, value] of input.query.sendOrder) url.searchParams.append(key, value);
  const headers: Record<string, string> = {
    'content-type': input.contentType,
    host: input.host,
    'x-project-id': input.path.projectId,
    'x-sdk-date': SDK_DATE,
  };
  if (input.securityToken !== undefined) headers['x-security-token'] = input.securityToken;
  const body = input.body === undefined ? '' : JSON.stringify(input.body);
  return authorization({ method: input.method, url, headers, body }, input);
};

const signWithOfficial = (input: SigningInput): string => {
  const headers: Record<string, string> = {
    'content-type': input.contentType,
    host: input.host,
    'x-project-id': input.path.projectId,
    'X-Sdk-Date': SDK_DATE,
  };
  if (input.securityToken !== undefined) headers['x-security-token'] = input.securityToken;
  const queryParams: Record<string, string | string[]> = {};
  for (const { key, values } of input.query.params) {
    queryParams[key] = values.length === 1 && values[0] !== undefined ? values[0] : [...values];
  }
  const signed = AKSKSigner.sign(
    {
      method: input.method,
      endpoint: `https://${input.host}/${input.path.segments.join('/')}`,
      headers,
      queryParams,
      data: input.body,
    },
    { getAk: () => input.ak, getSk: () => input.sk },
  );
  return signed.Authorization ?? '';
};

describe('agreement with the official Huawei Node SDK signer', () => {
  it('signs a monitor request exactly as the official signer does', () => {
    // Prepare
    const input: SigningInput = {
      pathEncoding: 'rfc3986',
      method: 'POST',
      host: 'vpn.cn-north-4.myhuaweicloud.com',
      path: { projectId: PROJECT_ID, segments: ['v5', PROJECT_ID, 'connection-monitors'] },
      query: { params: [], sendOrder: [] },
      body: { connection_monitor: { vpn_connection_id: 'f2c5e7a1-vpn' } },
      contentType: 'application/json;charset=UTF-8',
      securityToken: 'dGVtcG9yYXJ5LXRva2Vu',
      ak: CREDENTIALS.ak,
      sk: CREDENTIALS.sk,
    };

    // Act
    const ours = signWithOurs(input);
    const official = signWithOfficial(input);

    // Assess
    expect(official).toMatch(/^SDK-HMAC-SHA256 Access=\w+, SignedHeaders=[\w;-]+, Signature=/);
    expect(ours).toBe(official);
  });

  it('signs randomized requests exactly as the official signer does', () => {
    fc.assert(
      fc.property(signingInput, (input) => {
        // Act
        const ours = signWithOurs(input);
        const official = signWithOfficial(input);

        // Assess
        expect(ours).toBe(official);
      }),
      { numRuns: 400 },
    );
  });
});

describe('authorization', () => {
  it('signs the same request the same way every time', () => {
    // Prepare
    const request = monitorRequest();

    // Act
    const first = authorization(request, CREDENTIALS);
    const second = authorization(monitorRequest(), CREDENTIALS);

    // Assess
    expect(second).toBe(first);
  });

  const base = monitorRequest();
  it.each<{ change: string; request: RequestToSign }>([
    { change: 'the body', request: monitorRequest({ body: MONITOR_BODY.replace('f2', 'f3') }) },
    {
      change: 'the path',
      request: monitorRequest({
        url: new URL(base.url.href.replace('/connection-monitors', '/connection-monitor')),
      }),
    },
    {
      change: 'a query value',
      request: monitorRequest({ url: new URL(base.url.href.replace('limit=10', 'limit=11')) }),
    },
    { change: 'the method', request: monitorRequest({ method: 'PUT' }) },
    {
      change: 'a signed header',
      request: monitorRequest({
        headers: { ...base.headers, 'x-project-id': `${PROJECT_ID.slice(1)}f` },
      }),
    },
    {
      change: 'the date',
      request: monitorRequest({ headers: { ...base.headers, 'x-sdk-date': '20240501T120001Z' } }),
    },
  ])('changes the signature when $change changes', ({ request }) => {
    // Prepare
    const original = signatureOf(authorization(base, CREDENTIALS));

    // Act
    const changed = signatureOf(authorization(request, CREDENTIALS));

    // Assess
    expect(original).toMatch(/^[0-9a-f]{64}$/);
    expect(changed).toMatch(/^[0-9a-f]{64}$/);
    expect(changed).not.toBe(original);
  });

  it('changes the signature when the secret key changes', () => {
    // Prepare
    const request = monitorRequest();

    // Act
    const original = authorization(request, CREDENTIALS);
    const changed = authorization(request, { ...CREDENTIALS, sk: `${CREDENTIALS.sk}x` });

    // Assess
    expect(signatureOf(changed)).not.toBe(signatureOf(original));
  });

  it('ignores headers it is not asked to sign', () => {
    // Prepare
    const signedHeaders = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
    const request = monitorRequest({ headers: { ...base.headers, 'user-agent': 'provisioner/1' } });
    const otherAgent = monitorRequest({ headers: { ...base.headers, 'user-agent': 'curl/8' } });

    // Act
    const first = authorization(request, CREDENTIALS, signedHeaders);
    const second = authorization(otherAgent, CREDENTIALS, signedHeaders);

    // Assess
    expect(second).toBe(first);
    expect(parseAuthorization(first)?.signedHeaders).toEqual(signedHeaders);
  });

  it('signs every header present when no list is given', () => {
    // Prepare
    const request = monitorRequest({
      headers: { ...base.headers, 'x-security-token': 'dGVtcG9yYXJ5LXRva2Vu' },
    });

    // Act
    const parsed = parseAuthorization(authorization(request, CREDENTIALS));

    // Assess
    expect(parsed?.signedHeaders).toEqual([
      'content-type',
      'host',
      'x-project-id',
      'x-sdk-date',
      'x-security-token',
    ]);
  });

  it('refuses to sign a request without x-sdk-date', () => {
    // Prepare
    const { 'x-sdk-date': _date, ...headers } = base.headers;
    const request = monitorRequest({ headers });

    // Act
    const sign = () => authorization(request, CREDENTIALS);

    // Assess
    expect(sign).toThrow(/x-sdk-date/);
  });

  it('refuses to sign a header the request does not carry', () => {
    // Prepare
    const request = monitorRequest();

    // Act
    const sign = () => authorization(request, CREDENTIALS, ['x-sdk-date', 'x-security-token']);

    // Assess
    expect(sign).toThrow(/x-security-token/);
  });

  it('signs header values trimmed', () => {
    // Prepare
    const padded = monitorRequest({
      headers: { ...base.headers, 'x-project-id': ` ${PROJECT_ID}\t` },
    });

    // Act
    const header = authorization(padded, CREDENTIALS);

    // Assess
    expect(header).toBe(authorization(base, CREDENTIALS));
  });

  it('signs whatever order and case the header names are listed in', () => {
    // Prepare
    const request = monitorRequest();

    // Act
    const listed = authorization(request, CREDENTIALS, ['X-Sdk-Date', 'Host', 'content-type']);
    const canonical = canonicalRequest(request, ['x-sdk-date', 'host']);

    // Assess
    expect(listed).toBe(
      authorization(request, CREDENTIALS, ['content-type', 'host', 'x-sdk-date']),
    );
    expect(canonical).toBe(canonicalRequest(request, ['host', 'x-sdk-date']));
    expect(parseAuthorization(listed)?.signedHeaders).toEqual([
      'content-type',
      'host',
      'x-sdk-date',
    ]);
  });

  it('signs a lowercase method as the uppercase method it is sent as', () => {
    // Prepare
    const request = monitorRequest({ method: 'post' });

    // Act
    const header = authorization(request, CREDENTIALS);

    // Assess
    expect(header).toBe(authorization(base, CREDENTIALS));
  });

  it('hashes a byte body like the same text', () => {
    // Prepare
    const request = monitorRequest({ body: new TextEncoder().encode(MONITOR_BODY) });

    // Act
    const header = authorization(request, CREDENTIALS);

    // Assess
    expect(header).toBe(authorization(base, CREDENTIALS));
  });

  it('signs UNSIGNED-PAYLOAD instead of the body hash when asked to', () => {
    // Prepare
    const headers = { ...base.headers, 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' };
    const request = monitorRequest({ headers, body: 'part one' });
    const otherBody = monitorRequest({ headers, body: 'part two' });

    // Act
    const canonical = canonicalRequest(request, ['x-sdk-date']);
    const header = authorization(request, CREDENTIALS);

    // Assess
    expect(canonical.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true);
    expect(header).toBe(authorization(otherBody, CREDENTIALS));
  });

  it('encodes each path segment exactly once, however the URL was encoded', () => {
    // Prepare
    const asTyped = monitorRequest({
      url: new URL('https://vpn.cn-north-4.myhuaweicloud.com/v5/p/a:b!/é/c%2Fd'),
    });
    const preEncoded = monitorRequest({
      url: new URL('https://vpn.cn-north-4.myhuaweicloud.com/v5/p/a%3ab%21/%c3%a9/c%2fd'),
    });

    // Act
    const canonicalUri = canonicalRequest(asTyped, ['x-sdk-date']).split('\n')[1];

    // Assess
    expect(canonicalUri).toBe('/v5/p/a%3Ab%21/%C3%A9/c%2Fd/');
    expect(canonicalRequest(preEncoded, ['x-sdk-date'])).toBe(
      canonicalRequest(asTyped, ['x-sdk-date']),
    );
  });

  it('signs the path with a trailing slash that the request does not carry', () => {
    // Prepare
    const request = monitorRequest({
      url: new URL('https://vpn.cn-north-4.myhuaweicloud.com/v5/p/connection-monitors'),
    });
    const withSlash = monitorRequest({
      url: new URL('https://vpn.cn-north-4.myhuaweicloud.com/v5/p/connection-monitors/'),
    });

    // Act
    const canonicalUri = canonicalRequest(request, ['x-sdk-date']).split('\n')[1];
    const header = authorization(request, CREDENTIALS);

    // Assess
    expect(canonicalUri).toBe('/v5/p/connection-monitors/');
    expect(header).toBe(authorization(withSlash, CREDENTIALS));
  });
});

describe('parseAuthorization', () => {
  it('reads back what authorization() wrote', () => {
    // Prepare
    const header = authorization(monitorRequest(), CREDENTIALS);

    // Act
    const parsed = parseAuthorization(header);

    // Assess
    expect(parsed).toEqual({
      access: CREDENTIALS.ak,
      signedHeaders: ['content-type', 'host', 'x-project-id', 'x-sdk-date'],
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(header).toBe(
      `SDK-HMAC-SHA256 Access=${parsed?.access}, SignedHeaders=${parsed?.signedHeaders.join(';')}, Signature=${parsed?.signature}`,
    );
  });

  const signature = 'a'.repeat(64);
  it.each([
    { garbage: 'empty', header: '' },
    { garbage: 'a bearer token', header: 'Bearer eyJhbGciOiJIUzI1NiJ9' },
    {
      garbage: 'another algorithm',
      header: `AWS4-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${signature}`,
    },
    {
      garbage: 'no access key',
      header: `SDK-HMAC-SHA256 SignedHeaders=host, Signature=${signature}`,
    },
    { garbage: 'no signed headers', header: `SDK-HMAC-SHA256 Access=AK, Signature=${signature}` },
    {
      garbage: 'a short signature',
      header: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc',
    },
    {
      garbage: 'a non-hex signature',
      header: `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${'z'.repeat(64)}`,
    },
    {
      garbage: 'trailing text',
      header: `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${signature}, Extra=1`,
    },
  ])('rejects $garbage', ({ header }) => {
    // Act
    const parsed = parseAuthorization(header);

    // Assess
    expect(parsed).toBeUndefined();
  });
});
