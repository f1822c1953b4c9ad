import type * as z from '../zod.ts';
import type { ConnectionDefaults } from './connection-created.ts';
import { type ProjectId, projectIdSchema, type Region, regionSchema } from './ids.ts';
import { describeValue, joinPath, type Outcome } from './problems.ts';
import type { Candidate } from './reading.ts';

/** The project and region a connection's monitor is created in. */
export interface Placement {
  projectId: ProjectId;
  region: Region;
}

/**
 * Takes `project_id` and `region` from the message, else from the deployment's defaults. A
 * default is validated like a message value: it too ends up in a URL, and a bad one must not
 * slip through because the message happened to omit the field.
 */
export function resolveDefaults(
  candidate: Candidate,
  defaults: ConnectionDefaults,
): Outcome<Placement> {
  const projectId = pick(
    candidate,
    'project_id',
    candidate.projectId,
    defaults.projectId,
    projectIdSchema,
  );
  if (!projectId.ok) return projectId;
  const region = pick(candidate, 'region', candidate.region, defaults.region, regionSchema);
  if (!region.ok) return region;
  return { ok: true, value: { projectId: projectId.value, region: region.value } };
}

function pick(
  candidate: Candidate,
  field: 'project_id' | 'region',
  fromMessage: string | undefined,
  fromDefaults: string | undefined,
  schema: z.ZodMiniType<string>,
): Outcome<string> {
  if (fromMessage !== undefined) return { ok: true, value: fromMessage };
  const path = joinPath(candidate.fieldsAt, [field]);
  const what = field === 'project_id' ? 'project id' : 'region';
  if (fromDefaults === undefined) {
    return {
      ok: false,
      problem: { path, message: `is missing and no default ${what} is configured` },
    };
  }
  const checked = schema.safeParse(fromDefaults);
  if (checked.success) return { ok: true, value: checked.data };
  const reason = checked.error.issues[0]?.message ?? 'is not valid';
  return {
    ok: false,
    problem: {
      path,
      message: `is missing and the configured default ${what} is not valid: it ${reason}, got ${describeValue(fromDefaults)}`,
    },
  };
}
