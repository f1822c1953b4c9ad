import * as z from '../zod.ts';
import { isCloudTrace, readCreateVpnConnectionTrace } from './cloud-trace.ts';
import type { Correlation } from './connection-created.ts';
import { correlationValueSchema } from './ids.ts';
import { hasKey, isJsonObject } from './json.ts';
import { type Candidate, readPlainFields } from './plain.ts';
import { joinPath, type Outcome, problemFromZod } from './problems.ts';

/**
 * A CloudEvents 1.0 event in JSON structured mode, as Huawei EventGrid delivers it. Only
 * version 1.0 is read: `specversion` comes first so that another version is the problem
 * reported. `data` must be a JSON object (the plain fields or a Cloud Trace trace).
 */
const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: correlationValueSchema,
  source: correlationValueSchema,
  type: correlationValueSchema,
  time: z.optional(correlationValueSchema),
  data: z.looseObject({}),
});

/** Reads a CloudEvents 1.0 event found at `path` in the message. */
export function readCloudEvent(input: unknown, path: string): Outcome<Candidate> {
  if (isJsonObject(input) && !hasKey(input, 'data') && hasKey(input, 'data_base64')) {
    return {
      ok: false,
      problem: {
        path: joinPath(path, ['data_base64']),
        message: 'is not supported: the event data must be a JSON object in data',
      },
    };
  }
  const parsed = cloudEventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: problemFromZod(parsed.error, input, path) };
  const { id, source, time, data } = parsed.data;
  const correlation: Correlation = { eventId: id, source, ...(time === undefined ? {} : { time }) };
  const dataPath = joinPath(path, ['data']);

  if (isCloudTrace(data)) {
    const trace = readCreateVpnConnectionTrace(data, dataPath);
    if (!trace.ok) return trace;
    const { traceId, ...fields } = trace.value;
    return {
      ok: true,
      value: {
        ...fields,
        shape: 'cloud-trace',
        correlation: { ...correlation, ...(traceId === undefined ? {} : { traceId }) },
        fieldsAt: dataPath,
      },
    };
  }
  const fields = readPlainFields(data, dataPath);
  if (!fields.ok) return fields;
  return {
    ok: true,
    value: { ...fields.value, shape: 'cloudevents', correlation, fieldsAt: dataPath },
  };
}
