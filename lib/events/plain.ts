import * as z from '../zod.ts';
import { projectIdSchema, regionSchema, vpnConnectionIdSchema } from './ids.ts';
import { type Outcome, problemFromZod } from './problems.ts';
import type { Candidate } from './reading.ts';

/**
 * The plain fields, alone or inside an envelope's `detail` or `data`. `project_id` and `region`
 * may be omitted, or `null` as some serialisers write absent values, when the deployment has
 * defaults; an empty string is not absent and is rejected. Extra fields are ignored.
 */
export const plainFieldsSchema = z.object({
  vpn_connection_id: vpnConnectionIdSchema,
  project_id: z.nullish(projectIdSchema),
  region: z.nullish(regionSchema),
});
/** The plain fields, as read. */
export type PlainFields = z.infer<typeof plainFieldsSchema>;

/** The fields a shape reader hands on to the envelope around it. */
export type PlainCandidate = Pick<Candidate, 'vpnConnectionIds' | 'projectId' | 'region'>;

/** Reads the plain fields from `input`, found at `path` in the message. */
export function readPlainFields(input: unknown, path: string): Outcome<PlainCandidate> {
  const parsed = plainFieldsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  return { ok: true, value: toPlainCandidate(parsed.data) };
}

/** Renames validated plain fields to the project's names; `null` becomes absent. */
export function toPlainCandidate(fields: PlainFields): PlainCandidate {
  return {
    vpnConnectionIds: [fields.vpn_connection_id],
    projectId: fields.project_id ?? undefined,
    region: fields.region ?? undefined,
  };
}

/** Reads a plain message: the fields at the top level of the body. */
export function readPlainMessage(input: unknown, path: string): Outcome<Candidate> {
  const fields = readPlainFields(input, path);
  if (!fields.ok) return fields;
  return {
    ok: true,
    value: { kind: 'candidate', ...fields.value, shape: 'plain', correlation: {}, fieldsAt: path },
  };
}
