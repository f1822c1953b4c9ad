import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { readBody } from './aws-json-protocol.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';

/** How the AWS STS stand-in behaves: as whom it signs, and the IAM conditions it enforces. */
export interface LocalStsOptions {
  /** The caller's role ARN: the tokens' `sub`. */
  roleArn: string;
  /** Default `000000000000`. */
  accountId?: string;
  /** The function the tokens are for (`lambda_source_function_arn`); optional. */
  functionArn?: string;
  /** The AWS Organizations id of the account (`org_id`); optional, as outside an organization. */
  orgId?: string;
  /** The region the caller asked in (`source_region`); default `eu-west-1`. */
  sourceRegion?: string;
  /**
   * Audiences the role's policy allows (`sts:IdentityTokenAudience`); any when unset. Others
   * are refused with `AccessDenied`, as IAM refuses an action its conditions do not allow.
   */
  allowedAudiences?: readonly string[];
  /** The most `sts:DurationSeconds` the policy allows; default 3600. */
  maxDurationSeconds?: number;
}

/** A running AWS STS stand-in: endpoint, the issuer its tokens name, and what it did. */
export interface LocalSts {
  /** Base URL for `AWS_ENDPOINT_URL_STS`; it also serves the discovery document and JWKS. */
  endpoint: string;
  /**
   * The tokens' `iss`, shaped as AWS issues it (`https://{id}.tokens.sts.global.api.aws`). No
   * server listens there: a verifier takes the keys from {@link LocalSts.jwks} or `endpoint`.
   */
  issuer: string;
  /** The public signing keys as a JWKS document (JSON), what an OIDC provider is given. */
  jwks(): string;
  /** Tokens issued so far. */
  issued(): number;
  /** The tokens themselves, for tests that prove none is ever printed. */
  tokens(): readonly string[];
  /** Calls refused so far (audience or duration not allowed, bad request). */
  refused(): number;
  stop(): Promise<void>;
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/**
 * The claim AWS nests its own claims under (IAM User Guide, "Understanding token claims" of
 * outbound identity federation): `aws_account`, `source_region`, `org_id`, `ou_path`,
 * `principal_tags`, `lambda_source_function_arn`, `request_tags`..., each when applicable.
 */
export const AWS_CLAIMS_NAMESPACE = 'https://sts.amazonaws.com/';
const MIN_DURATION = 60;
const MAX_DURATION = 3_600;

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

const sendXml = (response: ServerResponse, status: number, xml: string): void => {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(xml);
};

const sendQueryError = (
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
): void =>
  sendXml(
    response,
    status,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

/** `Audience.member.1=a&Audience.member.2=b` → `['a', 'b']`, in member order. */
const listParameter = (form: URLSearchParams, name: string): string[] =>
  [...form.entries()]
    .flatMap(([key, value]) => {
      const match = new RegExp(`^${name}\\.member\\.(\\d+)$`).exec(key);
      return match?.[1] === undefined ? [] : [[Number(match[1]), value] as const];
    })
    .sort(([a], [b]) => a - b)
    .map(([, value]) => value);

/**
 * Starts a stand-in for AWS STS `GetWebIdentityToken` (IAM outbound identity federation) on
 * 127.0.0.1, speaking the AWS query protocol as `@aws-sdk/client-sts` sends it. It signs RS256
 * JWTs with a key made at start (`jose`) in AWS's claim layout: `iss` an issuer URL of AWS's
 * shape, `sub` the role ARN, `aud`, and AWS's own claims nested under
 * {@link AWS_CLAIMS_NAMESPACE}. It serves the OIDC discovery document and JWKS at its own URL.
 * It checks that requests are SigV4-signed, not the signature itself.
 */
export const startLocalSts = async (options: LocalStsOptions): Promise<LocalSts> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const accountId = options.accountId ?? '000000000000';
  const maxDuration = options.maxDurationSeconds ?? MAX_DURATION;
  // AWS makes one issuer per account when outbound federation is enabled; a fresh id here.
  const issuer = `https://${randomUUID()}.tokens.sts.global.api.aws`;
  let endpoint = '';
  let issued = 0;
  let refused = 0;
  const tokens: string[] = [];

  const refuse = (response: ServerResponse, status: number, code: string, message: string) => {
    refused += 1;
    sendQueryError(response, status, code, message);
  };

  const getWebIdentityToken = async (form: URLSearchParams, response: ServerResponse) => {
    const audiences = listParameter(form, 'Audience');
    const algorithm = form.get('SigningAlgorithm') ?? '';
    const duration = Number(form.get('DurationSeconds') ?? '300');
    if (audiences.length === 0)
      return refuse(response, 400, 'ValidationError', 'Audience is required');
    if (algorithm !== 'RS256')
      return refuse(
        response,
        400,
        'ValidationError',
        `SigningAlgorithm ${algorithm} is not RS256 (the only one this stand-in signs with)`,
      );
    if (!Number.isInteger(duration) || duration < MIN_DURATION || duration > MAX_DURATION)
      return refuse(
        response,
        400,
        'ValidationError',
        `DurationSeconds must be ${MIN_DURATION}-${MAX_DURATION}`,
      );
    const denied = audiences.find(
      (a) => options.allowedAudiences && !options.allowedAudiences.includes(a),
    );
    if (denied !== undefined || duration > maxDuration) {
      return refuse(
        response,
        403,
        'AccessDenied',
        `User: ${options.roleArn} is not authorized to perform: sts:GetWebIdentityToken (${denied !== undefined ? `sts:IdentityTokenAudience ${denied}` : `sts:DurationSeconds ${duration}`} not allowed)`,
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      [AWS_CLAIMS_NAMESPACE]: {
        aws_account: accountId,
        source_region: options.sourceRegion ?? 'eu-west-1',
        ...(options.orgId ? { org_id: options.orgId } : {}),
        ...(options.functionArn ? { lambda_source_function_arn: options.functionArn } : {}),
      },
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(options.roleArn)
      .setAudience(audiences.length === 1 ? (audiences[0] ?? '') : audiences)
      .setIssuedAt(now)
      .setExpirationTime(now + duration)
      .setJti(randomUUID())
      .sign(privateKey);
    issued += 1;
    tokens.push(token);
    sendXml(
      response,
      200,
      `<GetWebIdentityTokenResponse xmlns="${XMLNS}"><GetWebIdentityTokenResult><WebIdentityToken>${token}</WebIdentityToken><Expiration>${new Date((now + duration) * 1000).toISOString()}</Expiration></GetWebIdentityTokenResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetWebIdentityTokenResponse>`,
    );
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      const body = JSON.stringify({
        issuer,
        jwks_uri: `${endpoint}/.well-known/jwks.json`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (request.method === 'GET' && path === '/.well-known/jwks.json') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (request.method !== 'POST' || path !== '/') {
      response.writeHead(404).end();
      return;
    }
    if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      return refuse(
        response,
        403,
        'MissingAuthenticationToken',
        'Request is missing a SigV4 signature',
      );
    }
    const form = new URLSearchParams(await readBody(request));
    if (form.get('Action') !== 'GetWebIdentityToken' || form.get('Version') !== '2011-06-15') {
      return refuse(
        response,
        400,
        'InvalidAction',
        `${form.get('Action')} is not served by this stand-in`,
      );
    }
    await getWebIdentityToken(form, response);
  };

  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    issuer,
    jwks: () => JSON.stringify({ keys: [jwk] }),
    issued: () => issued,
    tokens: () => [...tokens],
    refused: () => refused,
    stop: () => closeServer(server),
  };
};
