import {
  projectIdSchema,
  regionSchema,
  vpnConnectionIdSchema,
} from '../../lib/events/connection-created.ts';
import * as z from '../../lib/zod.ts';

/** The variables that name a real project for `npm run test:live`. */
export const LIVE_VARIABLES = [
  'HUAWEICLOUD_LIVE_AK',
  'HUAWEICLOUD_LIVE_SK',
  'HUAWEICLOUD_LIVE_PROJECT_ID',
  'HUAWEICLOUD_LIVE_REGION',
  'HUAWEICLOUD_LIVE_VPN_CONNECTION_ID',
] as const;

const liveSchema = z.object({
  HUAWEICLOUD_LIVE_AK: z.string().check(z.minLength(1)),
  HUAWEICLOUD_LIVE_SK: z.string().check(z.minLength(1)),
  HUAWEICLOUD_LIVE_SECURITY_TOKEN: z.optional(z.string().check(z.minLength(1))),
  HUAWEICLOUD_LIVE_PROJECT_ID: projectIdSchema,
  HUAWEICLOUD_LIVE_REGION: regionSchema,
  HUAWEICLOUD_LIVE_VPN_CONNECTION_ID: vpnConnectionIdSchema,
  // https, or http on this machine (to try the suite against a local simulator).
  HUAWEICLOUD_LIVE_ENDPOINT: z.optional(
    z
      .url({ protocol: /^https?$/ })
      .check(
        z.refine(
          (url: string) =>
            url.startsWith('https://') ||
            /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url),
          'must be https://, or http:// on a loopback host',
        ),
      ),
  ),
});

/** A real project to run against, or why the live suite is skipped. */
type LiveSetting =
  | {
      kind: 'live';
      ak: string;
      sk: string;
      securityToken: string | undefined;
      projectId: string;
      region: string;
      vpnConnectionId: string;
      endpoint: string | undefined;
    }
  | { kind: 'skipped'; reason: string };

/**
 * Reads the live variables. None set: skipped, saying which to set. Some set but wrong: thrown,
 * naming them (a half-configured run must not pass as skipped).
 */
export const readLiveSetting = (env: Record<string, string | undefined>): LiveSetting => {
  const present = Object.keys(env).filter((name) => name.startsWith('HUAWEICLOUD_LIVE_'));
  if (present.length === 0) {
    return {
      kind: 'skipped',
      reason: `set ${LIVE_VARIABLES.join(', ')} (and optionally HUAWEICLOUD_LIVE_ENDPOINT) to run against a real project`,
    };
  }
  const parsed = liveSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')} ${issue.message}`)
      .join('; ');
    throw new Error(`test:live: ${problems}`);
  }
  const e = parsed.data;
  return {
    kind: 'live',
    ak: e.HUAWEICLOUD_LIVE_AK,
    sk: e.HUAWEICLOUD_LIVE_SK,
    securityToken: e.HUAWEICLOUD_LIVE_SECURITY_TOKEN,
    projectId: e.HUAWEICLOUD_LIVE_PROJECT_ID,
    region: e.HUAWEICLOUD_LIVE_REGION,
    vpnConnectionId: e.HUAWEICLOUD_LIVE_VPN_CONNECTION_ID,
    endpoint: e.HUAWEICLOUD_LIVE_ENDPOINT?.replace(/\/+$/, ''),
  };
};
