import * as z from '../zod.ts';
import { createKeepAlivePools, type HttpAnswer, sendHuaweiRequest } from './http-request.ts';
import {
  AccountCredentialsError,
  redactAnswerBody,
  redactAnswerHeader,
  toHuaweiApiError,
  toNetworkError,
} from './responses.ts';
import type { HuaweiCredentials } from './signer.ts';

/**
 * One identity call: `method` on `{base}{path}` with a JSON `body`, signed with `signer` when
 * there is one. `secrets` are redacted from a refusal's body and headers besides the signer's
 * own, raw and decoded.
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
 * credential and token it could echo redacted; a body is never quoted, as it holds credentials.
 */
export const createIdentityCaller = (options: { attemptTimeoutMs: number; now?: () => Date }) => {
  const pools = createKeepAlivePools(4);
  const now = options.now ?? (() => new Date());

  const call = async (
    account: string,
    what: string,
    { base, method, path, body, signer, secrets = [] }: IdentityRequest,
  ): Promise<HttpAnswer> => {
    const url = new URL(`${base}${path}`);
    let answer: HttpAnswer;
    try {
      answer = await sendHuaweiRequest(pools, {
        method,
        url,
        body: method === 'POST' ? (body === undefined ? '' : JSON.stringify(body)) : undefined,
        credentials: signer,
        date: now(),
        timeoutMs: options.attemptTimeoutMs,
      });
    } catch (error) {
      throw toNetworkError(`${what} for account ${account}`, error);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    // The same redaction as every VPN answer: raw and decoded, the header values too.
    const raw = toHuaweiApiError(what, {
      status: answer.status,
      requestIdHeader: redactAnswerHeader(
        headerText(answer.headers['x-request-id']),
        signer,
        secrets,
      ),
      retryAfterHeader: undefined,
      contentTypeHeader: redactAnswerHeader(
        headerText(answer.headers['content-type']),
        signer,
        secrets,
      ),
      body: redactAnswerBody(answer.body, signer, secrets),
    });
    throw new AccountCredentialsError(account, what, raw);
  };

  const parse = <S extends z.ZodMiniType>(
    account: string,
    what: string,
    schema: S,
    answer: HttpAnswer,
  ): z.infer<S> => {
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // The body holds credentials: only the shape problem is reported.
      throw new AccountCredentialsError(account, what, {
        status: answer.status,
        code: undefined,
        huaweiMessage: `unexpected response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
        requestId: headerText(answer.headers['x-request-id']),
      });
    }
    return parsed.data;
  };

  return {
    call,
    parse,
    close(): void {
      pools.http.destroy();
      pools.https.destroy();
    },
  };
};

const headerText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** An ISO time of an answer as epoch milliseconds; a refusal of the answer when it is not one. */
const expiry = (account: string, what: string, value: string): number => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new AccountCredentialsError(account, what, {
      status: 200,
      code: undefined,
      huaweiMessage: `the credentials' expiry ${value} is not a time`,
      requestId: undefined,
    });
  }
  return time;
};

/** Temporary credentials: AK/SK with a security token, valid until `expiresAt` (epoch ms). */
export interface TemporaryCredentials {
  ak: string;
  sk: string;
  securityToken: string;
  expiresAt: number;
}

/** A project of an account, as IAM lists it: its id and the region it is in. */
export interface AccountProject {
  projectId: string;
  region: string;
}

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
  const { call, parse, close } = createIdentityCaller(options);

  const fromSts = (account: string, what: string, answer: HttpAnswer): TemporaryCredentials => {
    const { credentials } = parse(account, what, stsCredentialsSchema, answer);
    return {
      ak: credentials.access_key_id,
      sk: credentials.secret_access_key,
      securityToken: credentials.security_token,
      expiresAt: expiry(account, what, credentials.expiration),
    };
  };

  /** An STS v5 `POST` that answers temporary credentials. */
  const assume = async (
    account: string,
    what: string,
    region: string,
    request: Omit<IdentityRequest, 'base' | 'method'>,
  ): Promise<TemporaryCredentials> =>
    fromSts(
      account,
      what,
      await call(account, what, {
        base: options.endpoints.sts(region),
        method: 'POST',
        ...request,
      }),
    );

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
      const { credential } = parse(account, what, iamCredentialSchema, answer);
      return {
        ak: credential.access,
        sk: credential.secret,
        securityToken: credential.securitytoken,
        expiresAt: expiry(account, what, credential.expires_at),
      };
    },

    /**
     * IAM `GET /v3/auth/projects`: the account's region projects. Projects that are not named
     * after a region (`MOS`, the account's global project) are left out.
     */
    async listProjects(
      account: string,
      region: string | undefined,
      credentials: HuaweiCredentials,
    ): Promise<AccountProject[]> {
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
