/* The accounts document's JSON schema: field names as operators write them (snake_case). */
import { projectIdSchema, regionSchema } from '../events/index.ts';
import * as z from '../zod.ts';

const name = z
  .string()
  .check(
    z.trim(),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  );
const domainId = z.string().check(z.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'));
const agencyName = z
  .string()
  .check(z.regex(/^[^:/\s]{1,64}$/, 'must be an agency name, 1-64 characters'));
const agencyUrn = z
  .string()
  .check(
    z.regex(/^iam::[0-9a-f]{32}:agency:[^:/\s]{1,64}$/, 'must be iam::<domain_id>:agency:<name>'),
  );
const providerUrn = z
  .string()
  .check(
    z.regex(
      /^iam::[0-9a-f]{32}:oidcProvider:[^:/\s]{1,64}$/,
      'must be iam::<domain_id>:oidcProvider:<name>',
    ),
  );
const duration = (min: number, max: number, fallback: number) =>
  z._default(z.int().check(z.minimum(min), z.maximum(max)), fallback);

/** `"<project_id>:<region>"`, the way the document names a project. */
const projectTextSchema = z.pipe(
  z.string().check(z.regex(/^[^:]+:[^:]+$/, 'must be "<project_id>:<region>"')),
  z.transform((text: string) => {
    const [projectId = '', region = ''] = text.split(':');
    return { projectId, region };
  }),
);
const projectSchema = z.pipe(
  projectTextSchema,
  z.object({ projectId: projectIdSchema, region: regionSchema }),
);

const staticSchema = z.strictObject({
  source: z.literal('static'),
  /** A Secrets Manager secret holding `{"ak","sk","security_token"?}`. */
  secret_id: z.string().check(z.minLength(1)),
});

const agencySchema = z.strictObject({
  source: z.literal('agency'),
  /** The central credential: another account's name, or a secret of its own. */
  via: z.union([name, z.strictObject({ secret_id: z.string().check(z.minLength(1)) })]),
  agency_name: z.optional(agencyName),
  agency_urn: z.optional(agencyUrn),
  /** STS v5 `assume` (default), or IAM `securitytokens` where STS v5 is not offered. */
  api: z._default(z.enum(['sts', 'iam']), 'sts'),
  duration_seconds: duration(900, 86_400, 3_600),
  region: z.optional(regionSchema),
});

const oidcSchema = z.strictObject({
  source: z.literal('oidc'),
  /** The audience of the AWS web identity token: a client id of the Huawei OIDC provider. */
  audience: z.string().check(z.minLength(1)),
  provider_name: z.optional(agencyName),
  provider_urn: z.optional(providerUrn),
  agency_name: z.optional(agencyName),
  agency_urn: z.optional(agencyUrn),
  /** The Huawei session's length (STS: 900-43200 s). */
  duration_seconds: duration(900, 43_200, 3_600),
  /** The AWS token's lifetime (`GetWebIdentityToken`: 60-3600 s); it is used at once. */
  token_duration_seconds: duration(60, 3_600, 300),
  region: z.optional(regionSchema),
});

/** One account as the document writes it. */
const accountSchema = z.strictObject({
  name,
  domain_id: domainId,
  credentials: z.discriminatedUnion('source', [staticSchema, agencySchema, oidcSchema]),
  projects: z.union([z.literal('discover'), z.array(projectSchema).check(z.minLength(1))]),
});

/** The accounts document as JSON: a Secrets Manager secret, an SSM parameter, or inline. */
export const accountsDocumentSchema = z.strictObject({
  accounts: z.array(accountSchema).check(z.minLength(1, 'must list at least one account')),
});

/** One account as parsed, before its URNs and region are resolved. */
export type RawAccount = z.output<typeof accountSchema>;
