import * as z from '../zod.ts';

/*
 * These three values end up in the Huawei API's URL path and query, so each is checked against
 * a closed ASCII pattern: no `/`, `.`, `%`, `?`, `#`, whitespace or non-ASCII lookalike can get
 * through. The patterns have no `i`, `u` or `m` flag on purpose: `[a-z]` and `\d` then match
 * ASCII only, and `$` matches at the very end of the string, never before a trailing newline.
 */

/**
 * A VPN connection id: 36 ASCII letters and digits in 8-4-4-4-12 groups. Huawei's ids are UUIDs,
 * but its documentation's examples use placeholders such as `cae286f2-demo-a8df-va86-e22416ca1220`,
 * so any letter is accepted. The id is kept exactly as given.
 */
export const vpnConnectionIdSchema = z.string().check(
  z.regex(/^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/, {
    error: 'must be 36 letters and digits in 8-4-4-4-12 groups',
  }),
);

/**
 * A Huawei project id: 32 lowercase hex characters.
 *
 * Uppercase hex is rejected rather than lowercased: Huawei issues project ids in lowercase, and
 * nothing in its documentation says the API treats them case-insensitively, so a changed id
 * could name another project or fail signing in a way that is harder to diagnose than a clear
 * rejection here. The producer should send the id as Huawei issued it.
 */
export const projectIdSchema = z.string().check(
  z.regex(/^[0-9A-Fa-f]{32}$/, { error: 'must be 32 hex characters', abort: true }),
  z.regex(/^[0-9a-f]+$/, {
    error: 'must be lowercase hex, as Huawei issues it (uppercase is rejected, not lowercased)',
  }),
);
/** A validated Huawei project id. */
export type ProjectId = z.infer<typeof projectIdSchema>;

/**
 * A Huawei account id (Cloud Trace `domain_id`): 32 hex characters. It never reaches a URL
 * today; it is checked so that what is logged and handed on is what Huawei issues.
 */
export const domainIdSchema = z
  .string()
  .check(z.regex(/^[0-9A-Fa-f]{32}$/, { error: 'must be 32 hex characters' }));

/** A Huawei region: lowercase letter groups joined by `-`, ending in a number (`cn-north-4`). */
export const regionSchema = z.string().check(
  z.maxLength(32, {
    error: 'must be a region like cn-north-4 (at most 32 characters)',
    abort: true,
  }),
  z.regex(/^[a-z]{2,}(?:-[a-z]+)+-\d{1,3}$/, {
    error: 'must be a region like cn-north-4 or ap-southeast-1',
  }),
);
/** A validated Huawei region. */
export type Region = z.infer<typeof regionSchema>;

/**
 * Correlation values (event id, source, time, SNS message id, trace id) are copied into the
 * "monitor created" event and the logs, never into a URL. They are bounded so a hostile producer
 * cannot inflate every event this function publishes.
 */
export const correlationValueSchema = z
  .string()
  .check(
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(512, { error: 'must be at most 512 characters' }),
  );
