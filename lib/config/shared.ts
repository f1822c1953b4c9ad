import { LOOPBACK_HOSTS } from '../aws/index.ts';
import { ConfigurationError } from '../errors.ts';
import { regionSchema } from '../events/index.ts';
import * as z from '../zod.ts';

/** The environment variables a function reads; only this folder looks at `process.env`. */
export type Environment = Record<string, string | undefined>;

/** The running process's environment: the one place outside tests that reads `process.env`. */
export const processEnvironment = (): Environment => process.env;

/**
 * `env` parsed with `schema`, or a {@link ConfigurationError} naming every offending variable,
 * so a broken deployment says what to fix in its first log line.
 */
export const parseEnvironment = <S extends z.ZodMiniType>(
  schema: S,
  env: Environment,
): z.output<S> => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(
      `Invalid configuration: ${z.formatIssues(parsed.error.issues, 'environment')}`,
    );
  }
  return parsed.data;
};

/** A string, trimmed. */
export const trimmed = () => z.string().check(z.trim());

/** An optional variable; blank counts as unset. */
export const optionalText = z.optional(
  z.pipe(
    trimmed(),
    z.transform((value: string) => (value === '' ? undefined : value)),
  ),
);

/** Why a URL with `user:pw@` is refused. */
export const NO_USERINFO =
  'must not carry a user name or password (user:pw@): credentials never go in a URL';

/** Whether a URL string has no `user:pw@` part; only called on strings that parsed as URLs. */
export const withoutUserinfo = (value: string): boolean => {
  const url = new URL(value);
  return url.username === '' && url.password === '';
};

/** An optional variable that, when set, must be a URL without credentials in it. */
export const optionalUrl = (error?: string) =>
  z.pipe(
    optionalText,
    z.optional(
      z
        .string()
        .check(
          z.url({ abort: true, ...(error ? { error } : {}) }),
          z.refine(withoutUserinfo, NO_USERINFO),
        ),
    ),
  );

/** A positive integer, `fallback` when unset. */
export const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

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
    z.refine(withoutUserinfo, NO_USERINFO),
  ),
  z.transform((value: string) => value.replace(/\/+$/, '')),
);

/**
 * Per-region endpoints, `region=url` comma-separated (`HUAWEICLOUD_VPN_ENDPOINTS`), each URL
 * validated like `HUAWEICLOUD_VPN_ENDPOINT`.
 */
export const endpointMapSchema = z.pipe(
  z.string(),
  z.pipe(
    z.transform((text: string) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
        .map((entry) => {
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
  ),
);

/** A comma-separated list of regions, `cn-north-4,ap-southeast-1`; empty entries are dropped. */
export const regionListSchema = z.pipe(
  trimmed(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== ''),
  ),
);
