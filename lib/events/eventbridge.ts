import * as z from '../zod.ts';
import { correlationValueSchema } from './ids.ts';
import { fromIsoText } from './occurred-at.ts';
import { plainFieldsSchema, toPlainCandidate } from './plain.ts';
import { joinPath, type Outcome, problemFromZod } from './problems.ts';
import type { Candidate } from './reading.ts';

/** The only `detail-type` this function handles; any other is a routing mistake upstream. */
const CONNECTION_CREATED_DETAIL_TYPE = 'VPN Connection Created';

/**
 * An EventBridge event delivered to SQS by a rule. `detail-type` comes first so that a wrong
 * type is the problem reported, not the missing fields that follow from it. The envelope's own
 * `region` and `account` are AWS's and are deliberately not read: the Huawei region is in
 * `detail`.
 */
const eventBridgeEnvelopeSchema = z.object({
  'detail-type': z.literal(CONNECTION_CREATED_DETAIL_TYPE),
  version: z.string(),
  id: correlationValueSchema,
  source: correlationValueSchema,
  time: z.optional(correlationValueSchema),
  detail: plainFieldsSchema,
});

/** Reads an EventBridge envelope found at `path` in the message. */
export function readEventBridgeEnvelope(input: unknown, path: string): Outcome<Candidate> {
  const parsed = eventBridgeEnvelopeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const { id, source, time, detail } = parsed.data;
  const occurredAt = fromIsoText(time);
  return {
    ok: true,
    value: {
      kind: 'candidate',
      ...toPlainCandidate(detail),
      shape: 'eventbridge',
      correlation: { eventId: id, source, ...(time === undefined ? {} : { time }) },
      ...(occurredAt === undefined ? {} : { occurredAt }),
      fieldsAt: joinPath(path, ['detail']),
    },
  };
}
