import { projectIdSchema, regionSchema } from '../events/index.ts';
import type { VpnTarget } from '../huawei/index.ts';
import * as z from '../zod.ts';

/** One reconcile target as written: `project_id:region`, e.g. `0b2f...4a5b:cn-north-4`. */
const reconcileTargetSchema = z.pipe(
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
);

const splitTargets = (input: string | string[]): string[] =>
  (Array.isArray(input) ? input : [input])
    .flatMap((text) => text.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** Several targets, comma-separated (`RECONCILE_TARGETS`); blanks are ignored. */
export const reconcileTargetTextSchema = z.pipe(
  z.string(),
  z.pipe(
    z.transform((text: string) => splitTargets(text)),
    z.array(reconcileTargetSchema),
  ),
);

/** Several targets, comma-separated or a list (a payload's `"targets"`, repeated `--target`). */
export const reconcileTargetListSchema = z.pipe(
  z.union([z.string(), z.array(z.string())]),
  z.pipe(z.transform(splitTargets), z.array(reconcileTargetSchema)),
);

/** `project_id:region`, the way targets are written and reported. */
export const targetLabel = (target: VpnTarget): string => `${target.projectId}:${target.region}`;

/** The targets without repeats, in their first order. */
export const uniqueTargets = (targets: readonly VpnTarget[]): VpnTarget[] => [
  ...new Map(targets.map((target) => [targetLabel(target), target])).values(),
];
