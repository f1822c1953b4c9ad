import {
  type AccountsDocumentSource,
  parseDocumentText,
  stsRegionCheck,
} from '../accounts/index.ts';
import { LOOPBACK_HOSTS } from '../aws/index.ts';
import { ConfigurationError } from '../errors.ts';
import { projectIdSchema, regionSchema } from '../events/index.ts';
import {
  type CredentialSource,
  type IdentityEndpoints,
  iamEndpointResolver,
  stsEndpointResolver,
  type VpnTarget,
  vpnEndpointResolver,
} from '../huawei/index.ts';
import * as z from '../zod.ts';

/** The environment variables a function reads; only this folder looks at `process.env`. */
export type Environment = Record<string, string | undefined>;

/** The running process's environment: the one place outside tests that reads `process.env`. */
export const processEnvironment = (): Environment => process.env;

/**
 * A function's loader: `variables` parsed from the environment (a command's flags, `overrides`,
 * on top) and named by `settings`, or a {@link ConfigurationError} naming every offending
 * variable, so a broken deployment says what to fix in its first log line. The schema is built
 * when the loader runs, and each loader is made in a call marked pure: the bundler keeps a
 * top-level zod call even when nothing reads it, so every bundle built all five schemas.
 */
export const loader =
  <S extends z.ZodMiniType, C>(variables: () => S, settings: (e: z.output<S>) => C) =>
  (env: Environment = processEnvironment(), overrides: Record<string, string> = {}): C => {
    // jitless: an environment is parsed once per process, and compiling zod's fast path for an
    // object (code generated and compiled for its shape) costs more than the one parse it speeds.
    const parsed = z
      .pipe(variables(), z.transform(settings))
      .safeParse({ ...env, ...overrides }, { jitless: true });
    if (!parsed.success) {
      throw new ConfigurationError(
        `Invalid configuration: ${z.formatIssues(parsed.error.issues, 'environment')}`,
      );
    }
    return parsed.data;
  };

/** A string, trimmed. */
export const trimmed = () => z.string().check(z.trim());

/** A comma-separated list; blank entries are dropped. */
const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** An optional variable; blank counts as unset. */
export const optionalText = z.optional(
  z.pipe(
    trimmed(),
    z.transform((value: string) => (value === '' ? undefined : value)),
  ),
);

/** A variable that is unset or blank, or else passes `schema`. */
export const unlessBlank = <S extends z.ZodMiniType<unknown, string>>(schema: S) =>
  z.pipe(optionalText, z.optional(schema));

/** Refuses a URL with `user:pw@`; only run on strings that parsed as URLs. */
const withoutUserinfo = z.refine<string>((value) => {
  const url = new URL(value);
  return url.username === '' && url.password === '';
}, 'must not carry a user name or password (user:pw@): credentials never go in a URL');

/** A URL without credentials in it; `error` says what it must be the URL of. */
export const urlSchema = (error?: string) =>
  z.string().check(z.url({ abort: true, ...(error ? { error } : {}) }), withoutUserinfo);

/** An optional variable that, when set, must be a URL without credentials in it. */
export const optionalUrl = (error?: string) => unlessBlank(urlSchema(error));

/** A positive integer passing `checks` too, `fallback` when unset. */
export const positiveInt = (fallback: number, ...checks: z.core.$ZodCheck<number>[]) =>
  z._default(z.coerce.number().check(z.int(), z.positive(), ...checks), fallback);

/** A non-blank string, `fallback` when unset. */
export const textWithDefault = (fallback: string) =>
  z._default(trimmed().check(z.minLength(1)), fallback);

/** Where the VPN API lives: `https://` anywhere, plain `http://` only on this machine. */
export const endpointSchema = z.pipe(
  trimmed().check(
    // abort: the refinement below parses the URL, so it must not run on one that is not a URL.
    z.url({ abort: true }),
    z.refine((value: string) => {
      const url = new URL(value);
      return (
        url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
      );
    }, 'must be https://, or http:// on a loopback host (localhost, 127.0.0.1, [::1])'),
    withoutUserinfo,
  ),
  z.transform((value: string) => value.replace(/\/+$/, '')),
);

/**
 * Per-region endpoints, `region=url` comma-separated (`HUAWEICLOUD_VPN_ENDPOINTS`), each URL
 * validated like `HUAWEICLOUD_VPN_ENDPOINT`.
 */
const endpointMapSchema = z.pipe(
  z.transform((text: string) =>
    splitList(text).map((entry) => {
      const at = entry.indexOf('=');
      return at < 0
        ? { region: entry, endpoint: '' }
        : { region: entry.slice(0, at).trim(), endpoint: entry.slice(at + 1) };
    }),
  ),
  z.pipe(
    z.array(z.object({ region: regionSchema, endpoint: endpointSchema })),
    z.transform((entries: { region: string; endpoint: string }[]) =>
      Object.fromEntries(entries.map((entry) => [entry.region, entry.endpoint])),
    ),
  ),
);

/** A comma-separated list of regions, `cn-north-4,ap-southeast-1`; empty entries are dropped. */
export const regionListSchema = z.pipe(trimmed(), z.transform(splitList));

/** The variables of every function that calls Huawei: where, as whom, how patiently. */
export const huaweiVariables = {
  HUAWEICLOUD_REGION: unlessBlank(regionSchema),
  HUAWEICLOUD_PROJECT_ID: unlessBlank(projectIdSchema),
  HUAWEICLOUD_VPN_ENDPOINT: unlessBlank(endpointSchema),
  HUAWEICLOUD_VPN_ENDPOINTS: unlessBlank(endpointMapSchema),
  HUAWEICLOUD_SDK_AK: optionalText,
  HUAWEICLOUD_SDK_SK: optionalText,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: optionalText,
  HUAWEICLOUD_CREDENTIALS_SECRET_ID: optionalText,
  ACCOUNTS_DOCUMENT: optionalText,
  ACCOUNTS_DOCUMENT_SECRET_ID: optionalText,
  ACCOUNTS_DOCUMENT_PARAMETER: optionalText,
  HUAWEICLOUD_STS_ENDPOINT: unlessBlank(endpointSchema),
  HUAWEICLOUD_STS_ENDPOINTS: unlessBlank(endpointMapSchema),
  HUAWEICLOUD_IAM_ENDPOINT: unlessBlank(endpointSchema),
  HUAWEICLOUD_IAM_ENDPOINTS: unlessBlank(endpointMapSchema),
  HUAWEI_ATTEMPT_TIMEOUT_MS: positiveInt(10_000),
  HUAWEI_MAX_ATTEMPTS: positiveInt(5),
  HUAWEI_RETRY_BASE_MS: positiveInt(200),
  HUAWEI_RETRY_CAP_MS: positiveInt(5_000),
  HUAWEI_BREAKER_COOLDOWN_SECONDS: positiveInt(60),
  HUAWEI_THROTTLE_PAUSE_MS: positiveInt(2_000),
  /** The function's own timeout (serverless.yml sets it): Lambda tells no variable of it. */
  FUNCTION_TIMEOUT_SECONDS: z.optional(z.coerce.number().check(z.int(), z.positive())),
};

/** The parsed Huawei variables. */
type HuaweiVariables = z.output<z.ZodMiniObject<typeof huaweiVariables>>;

/** What an invocation keeps back from its timeout: the partial response, DLQ sends. */
const RESERVED_MS = 3_000;

/** One Huawei attempt must fit in the function's timeout, with time left to report. */
export const attemptFitsTimeout = z.superRefine((env: HuaweiVariables, ctx) => {
  const timeout = env.FUNCTION_TIMEOUT_SECONDS;
  if (timeout !== undefined && env.HUAWEI_ATTEMPT_TIMEOUT_MS > timeout * 1000 - RESERVED_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['HUAWEI_ATTEMPT_TIMEOUT_MS'],
      message: `must be at most ${timeout * 1000 - RESERVED_MS} (FUNCTION_TIMEOUT_SECONDS=${timeout} less ${RESERVED_MS} ms kept back to answer), or no attempt could ever finish`,
    });
  }
});

const DOCUMENT_VARIABLES = [
  'ACCOUNTS_DOCUMENT',
  'ACCOUNTS_DOCUMENT_SECRET_ID',
  'ACCOUNTS_DOCUMENT_PARAMETER',
] as const;

/** Credentials must come from somewhere: an accounts document, both keys, or a secret. */
export const requireCredentials = z.superRefine((env: HuaweiVariables, ctx) => {
  const documents = DOCUMENT_VARIABLES.filter((name) => env[name] !== undefined);
  if (documents.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [documents[1] ?? 'ACCOUNTS_DOCUMENT'],
      message: `set one of ${DOCUMENT_VARIABLES.join(', ')}, not ${documents.join(' and ')}`,
    });
  }
  if (documents.length > 0) return;
  const hasKeys = env.HUAWEICLOUD_SDK_AK !== undefined || env.HUAWEICLOUD_SDK_SK !== undefined;
  if (hasKeys && (env.HUAWEICLOUD_SDK_AK === undefined || env.HUAWEICLOUD_SDK_SK === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [env.HUAWEICLOUD_SDK_AK === undefined ? 'HUAWEICLOUD_SDK_AK' : 'HUAWEICLOUD_SDK_SK'],
      message: 'HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together',
    });
  }
  if (!hasKeys && env.HUAWEICLOUD_CREDENTIALS_SECRET_ID === undefined) {
    ctx.addIssue({
      code: 'custom',
      // No path: no one variable is wrong, so the sentence names every way instead.
      path: [],
      message:
        'has no Huawei credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (an access key), HUAWEICLOUD_CREDENTIALS_SECRET_ID (a Secrets Manager secret holding one), or ACCOUNTS_DOCUMENT_PARAMETER or ACCOUNTS_DOCUMENT_SECRET_ID (an accounts document)',
    });
  }
});

const singleKey = (e: HuaweiVariables) => {
  if (e.HUAWEICLOUD_SDK_AK !== undefined && e.HUAWEICLOUD_SDK_SK !== undefined) {
    return {
      kind: 'environment' as const,
      ak: e.HUAWEICLOUD_SDK_AK,
      sk: e.HUAWEICLOUD_SDK_SK,
      securityToken: e.HUAWEICLOUD_SDK_SECURITY_TOKEN,
    };
  }
  return e.HUAWEICLOUD_CREDENTIALS_SECRET_ID === undefined
    ? undefined
    : { kind: 'secrets-manager' as const, secretId: e.HUAWEICLOUD_CREDENTIALS_SECRET_ID };
};

const documentSource = (
  e: HuaweiVariables,
  credentials: CredentialSource | undefined,
  stsKnown: ReturnType<typeof stsRegionCheck>,
): AccountsDocumentSource => {
  if (e.ACCOUNTS_DOCUMENT !== undefined) {
    // Inline, the document is checked at cold start like any other variable.
    parseDocumentText(e.ACCOUNTS_DOCUMENT, 'ACCOUNTS_DOCUMENT', e.HUAWEICLOUD_REGION, stsKnown);
    return { kind: 'inline', text: e.ACCOUNTS_DOCUMENT };
  }
  if (e.ACCOUNTS_DOCUMENT_SECRET_ID !== undefined)
    return { kind: 'secret', secretId: e.ACCOUNTS_DOCUMENT_SECRET_ID };
  if (e.ACCOUNTS_DOCUMENT_PARAMETER !== undefined)
    return { kind: 'parameter', name: e.ACCOUNTS_DOCUMENT_PARAMETER };
  // requireCredentials has made sure one of the four is set.
  return {
    kind: 'single-key',
    credentials: credentials ?? { kind: 'secrets-manager', secretId: '' },
  };
};

/**
 * The Huawei part of every configuration that calls Huawei: endpoints, credentials, retry
 * settings, from the parsed {@link huaweiVariables}.
 */
export const huaweiSettings = (e: HuaweiVariables) => {
  const credentials = singleKey(e);
  const sts = { all: e.HUAWEICLOUD_STS_ENDPOINT, byRegion: e.HUAWEICLOUD_STS_ENDPOINTS ?? {} };
  const stsKnown = stsRegionCheck(sts);
  const identityEndpoints: IdentityEndpoints = {
    sts: stsEndpointResolver(sts),
    stsKnown,
    iam: iamEndpointResolver({
      all: e.HUAWEICLOUD_IAM_ENDPOINT,
      byRegion: e.HUAWEICLOUD_IAM_ENDPOINTS ?? {},
    }),
  };
  return {
    defaultRegion: e.HUAWEICLOUD_REGION,
    defaultProjectId: e.HUAWEICLOUD_PROJECT_ID,
    /** The VPN API base URL for a region, without a trailing slash. */
    vpnEndpoint: vpnEndpointResolver({
      all: e.HUAWEICLOUD_VPN_ENDPOINT,
      byRegion: e.HUAWEICLOUD_VPN_ENDPOINTS ?? {},
    }),
    /** The single key of a deployment without an accounts document. */
    credentials,
    /** Where the accounts document is (a single key becomes a one-account document). */
    accountsDocument: documentSource(e, credentials, stsKnown),
    /** Huawei STS and IAM, per region. */
    identityEndpoints,
    huaweiAttemptTimeoutMs: e.HUAWEI_ATTEMPT_TIMEOUT_MS,
    huaweiMaxAttempts: e.HUAWEI_MAX_ATTEMPTS,
    /** Full-jitter backoff between attempts: base, doubling, capped. */
    huaweiBackoff: { baseMs: e.HUAWEI_RETRY_BASE_MS, capMs: e.HUAWEI_RETRY_CAP_MS },
    /**
     * The fleet's credential breaker: environment credentials Huawei refused are probed again
     * after this long, five times longer after a second refusal, never after a third.
     */
    breakerCooldownMs: e.HUAWEI_BREAKER_COOLDOWN_SECONDS * 1000,
    /** How long a container holds its calls to a project after a 429 without `Retry-After`. */
    throttlePauseMs: e.HUAWEI_THROTTLE_PAUSE_MS,
  };
};

/** One reconcile target as written: `project_id:region`, e.g. `0b2f...4a5b:cn-north-4`. */
const reconcileTargetSchema = z.lazy(() =>
  z.pipe(
    z.string().check(
      z.trim(),
      z.regex(/^[^:\s]+:[^:\s]+$/, {
        error: 'must be project_id:region, like 0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b:cn-north-4',
        abort: true,
      }),
    ),
    z.pipe(
      z.transform((text: string) => {
        const [projectId, region] = text.split(':');
        return { projectId, region };
      }),
      z.object({ projectId: projectIdSchema, region: regionSchema }),
    ),
  ),
);

/** Targets from a text or a list of texts, each comma-separated; blanks are ignored. */
const targetsFrom = <T extends string | string[]>() =>
  z.pipe(
    z.transform((input: T) => [input].flat().flatMap(splitList)),
    z.array(reconcileTargetSchema),
  );

/** Several targets, comma-separated (`RECONCILE_TARGETS`). */
export const reconcileTargetTextSchema = z.lazy(() => targetsFrom<string>());

/** Several targets, comma-separated or a list (a payload's `"targets"`, repeated `--target`). */
export const reconcileTargetListSchema = z.lazy(() =>
  z.pipe(z.union([z.string(), z.array(z.string())]), targetsFrom<string | string[]>()),
);

/** `project_id:region`, the way targets are written and reported. */
export const targetLabel = (target: VpnTarget): string => `${target.projectId}:${target.region}`;

/** The targets without repeats, in their first order. */
export const uniqueTargets = (targets: readonly VpnTarget[]): VpnTarget[] => [
  ...new Map(targets.map((target) => [targetLabel(target), target])).values(),
];
