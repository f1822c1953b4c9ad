import * as z from '../zod.ts';
import {
  createKeepAlivePools,
  type HttpAnswer,
  headerValue,
  sendHuaweiRequest,
} from './http-request.ts';
import {
  AccountCredentialsError,
  parseJson,
  redactedAnswer,
  toHuaweiApiError,
  toNetworkError,
} from './responses.ts';
import type { HuaweiCredentials } from './signer.ts';
import type { VpnTarget } from './vpn-client.ts';

/**
 * One identity call: `method` on `{base}{path}` with a JSON `body`, signed with `signer` when
 * there is one; `secrets` (tokens it sends) are redacted from its answer besides the signer's.
 */
interface IdentityRequest {
  base: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  signer: HuaweiCredentials | undefined;
  secrets?: readonly string[];
}

/**
 * The HTTP side of Huawei's identity calls: one JSON request, signed with AK/SK when a key is
 * given (STS `assume-with-oidc` is not), and its answer parsed with a schema. A refusal or an
 * unexpected body is an {@link AccountCredentialsError} naming the account, with every
 * credential and token it could echo redacted as a VPN answer is; a success body is never
 * quoted, as it holds credentials.
 */
export const createIdentityCaller = (options: { attemptTimeoutMs: number; now?: () => Date }) => {
  const pools = createKeepAlivePools(4);
  const now = options.now ?? (() => new Date());

  const call = async (
    account: string,
    what: string,
    { base, method, path, body, signer, secrets = [] }: IdentityRequest,
  ): Promise<HttpAnswer> => {
    let answer: HttpAnswer;
    try {
      answer = await sendHuaweiRequest(pools, {
        method,
        url: new URL(`${base}${path}`),
        body: method === 'POST' ? (body === undefined ? '' : JSON.stringify(body)) : undefined,
        credentials: signer,
        date: now(),
        timeoutMs: options.attemptTimeoutMs,
      });
    } catch (error) {
      throw toNetworkError(`${what} for account ${account}`, error);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const refusal = { ...redactedAnswer(answer, signer, secrets), retryAfterHeader: undefined };
    throw new AccountCredentialsError(account, what, toHuaweiApiError(what, refusal));
  };

  /** The answer's body read with `schema`; the body holds credentials: only the problem is told. */
  const parse = <S extends z.ZodMiniType>(
    account: string,
    what: string,
    schema: S,
    answer: HttpAnswer,
  ): z.infer<S> => {
    const parsed = schema.safeParse(parseJson(answer.body));
    if (!parsed.success) {
      throw new AccountCredentialsError(account, what, {
        status: answer.status,
        code: undefined,
        huaweiMessage: `unexpected response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
        requestId: headerValue(answer.headers['x-request-id']),
      });
    }
    return parsed.data;
  };

  /** Temporary credentials as read; an expiry that is not a time refuses the answer. */
  const temporary = (
    account: string,
    what: string,
    [ak, sk, securityToken, expiration]: readonly [string, string, string, string],
  ): TemporaryCredentials => {
    const expiresAt = Date.parse(expiration);
    if (Number.isNaN(expiresAt)) {
      throw new AccountCredentialsError(account, what, {
        status: 200,
        code: undefined,
        huaweiMessage: `the credentials' expiry ${expiration} is not a time`,
        requestId: undefined,
      });
    }
    return { ak, sk, securityToken, expiresAt };
  };

  return {
    call,
    parse,
    temporary,
    close(): void {
      pools.http.destroy();
      pools.https.destroy();
    },
  };
};

/** Temporary credentials: AK/SK with a security token, valid until `expiresAt` (epoch ms). */
export type TemporaryCredentials = HuaweiCredentials & { securityToken: string; expiresAt: number };

/** Where Huawei STS and IAM live, per region (the tables are in `lib/config/`). */
export interface IdentityEndpoints {
  sts: (region: string) => string;
  /** IAM is global: `undefined` asks for the global endpoint. */
  iam: (region: string | undefined) => string;
  /** Whether `sts` knows a region's endpoint (listed, or overridden); unset: the SDKs' table. */
  stsKnown?: (region: string) => boolean;
}

/** How the identity client is built: its endpoints, a per-attempt timeout, and a clock for tests. */
export interface IdentityClientOptions {
  endpoints: IdentityEndpoints;
  attemptTimeoutMs: number;
  now?: () => Date;
}

const text = z.string().check(z.minLength(1));

/** STS v5's answer to `assume` and `assume-with-oidc` (`credentials` is all this reads). */
const stsCredentialsSchema = z.object({
  credentials: z.object({
    access_key_id: text,
    secret_access_key: text,
    security_token: text,
    expiration: text,
  }),
});

/** IAM's answer to `securitytokens`: `{credential:{access,secret,securitytoken,expires_at}}`. */
const iamCredentialSchema = z.object({
  credential: z.object({ access: text, secret: text, securitytoken: text, expires_at: text }),
});

/** IAM's `GET /v3/auth/projects`: projects are named after their region (`cn-north-4`). */
const authProjectsSchema = z.object({
  projects: z.array(
    z.object({ id: z.string(), name: z.string(), enabled: z.optional(z.boolean()) }),
  ),
});

const PROJECT_ID = /^[0-9a-f]{32}$/;
/** A region project's name; `cn-north-4_sub` is a subproject in that region. */
const REGION_NAME = /^([a-z]{2,}(?:-[a-z]+)+-\d+)(?:_.*)?$/;

/**
 * Huawei's identity calls this project makes: STS v5 `assume` (signed) and `assume-with-oidc`
 * (unsigned), IAM `securitytokens` with `assume_role` and `auth/projects` (signed). Failures
 * are {@link AccountCredentialsError}s naming the account; no credential or token ever appears
 * in an error.
 */
export const createHuaweiIdentityClient = (options: IdentityClientOptions) => {
  const { call, parse, temporary, close } = createIdentityCaller(options);

  /** An STS v5 `POST` that answers temporary credentials. */
  const assume = async (
    account: string,
    what: string,
    region: string,
    request: Omit<IdentityRequest, 'base' | 'method'>,
  ): Promise<TemporaryCredentials> => {
    const base = options.endpoints.sts(region);
    const answer = await call(account, what, { base, method: 'POST', ...request });
    const { credentials: c } = parse(account, what, stsCredentialsSchema, answer);
    return temporary(account, what, [
      c.access_key_id,
      c.secret_access_key,
      c.security_token,
      c.expiration,
    ]);
  };

  return {
    /** STS v5 `POST /v5/agencies/assume`, signed with the central credentials. */
    async assumeAgency(
      account: string,
      region: string,
      central: HuaweiCredentials,
      request: { agencyUrn: string; sessionName: string; durationSeconds: number },
    ): Promise<TemporaryCredentials> {
      const what = `STS assume of agency ${request.agencyUrn}`;
      return assume(account, what, region, {
        path: '/v5/agencies/assume',
        body: {
          agency_urn: request.agencyUrn,
          agency_session_name: request.sessionName,
          duration_seconds: request.durationSeconds,
        },
        signer: central,
      });
    },

    /** STS v5 `POST /v5/agencies/assume-with-oidc`, unsigned: the id token is the proof. */
    async assumeAgencyWithOidc(
      account: string,
      region: string,
      request: {
        providerUrn: string;
        agencyUrn: string;
        sessionName: string;
        idToken: string;
        durationSeconds: number;
      },
    ): Promise<TemporaryCredentials> {
      const what = `STS assume-with-oidc of agency ${request.agencyUrn}`;
      return assume(account, what, region, {
        path: '/v5/agencies/assume-with-oidc',
        body: {
          provider_urn: request.providerUrn,
          agency_urn: request.agencyUrn,
          agency_session_name: request.sessionName,
          id_token: request.idToken,
          duration_seconds: request.durationSeconds,
        },
        signer: undefined,
        secrets: [request.idToken],
      });
    },

    /** IAM `POST /v3.0/OS-CREDENTIAL/securitytokens` with `assume_role`, signed. */
    async securityTokens(
      account: string,
      region: string | undefined,
      central: HuaweiCredentials,
      request: { domainId: string | undefined; agencyName: string; durationSeconds: number },
    ): Promise<TemporaryCredentials> {
      const what = `IAM securitytokens for agency ${request.agencyName}`;
      const answer = await call(account, what, {
        base: options.endpoints.iam(region),
        method: 'POST',
        path: '/v3.0/OS-CREDENTIAL/securitytokens',
        body: {
          auth: {
            identity: {
              methods: ['assume_role'],
              assume_role: {
                ...(request.domainId === undefined ? {} : { domain_id: request.domainId }),
                agency_name: request.agencyName,
                duration_seconds: request.durationSeconds,
              },
            },
          },
        },
        signer: central,
      });
      const { credential: c } = parse(account, what, iamCredentialSchema, answer);
      return temporary(account, what, [c.access, c.secret, c.securitytoken, c.expires_at]);
    },

    /**
     * IAM `GET /v3/auth/projects`: the account's region projects. Projects that are not named
     * after a region (`MOS`, the account's global project) are left out.
     */
    async listProjects(
      account: string,
      region: string | undefined,
      credentials: HuaweiCredentials,
    ): Promise<VpnTarget[]> {
      const what = 'IAM auth/projects';
      const answer = await call(account, what, {
        base: options.endpoints.iam(region),
        method: 'GET',
        path: '/v3/auth/projects',
        signer: credentials,
      });
      const { projects } = parse(account, what, authProjectsSchema, answer);
      return projects.flatMap((project) => {
        const match = REGION_NAME.exec(project.name);
        return project.enabled !== false && match?.[1] && PROJECT_ID.test(project.id)
          ? [{ projectId: project.id, region: match[1] }]
          : [];
      });
    },

    /** Closes the keep-alive connections (tests and local runs). */
    close,
  };
};

/** The client {@link createHuaweiIdentityClient} builds. */
export type HuaweiIdentityClient = ReturnType<typeof createHuaweiIdentityClient>;
