import * as z from '../zod.ts';
import { isCloudTrace } from './cloud-trace.ts';
import type { Correlation } from './connection-created.ts';
import { correlationValueSchema } from './ids.ts';
import { hasKey, isJsonObject } from './json.ts';
import { fromIsoText } from './occurred-at.ts';
import { readPlainFields } from './plain.ts';
import { joinPath, problemFromZod } from './problems.ts';
import type { Reading } from './reading.ts';
import { readTraceMessage } from './trace-message.ts';

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
export function readCloudEvent(input: unknown, path: string): Reading {
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
  const envelopeTime = fromIsoText(time);

  if (isCloudTrace(data)) return readTraceMessage(data, dataPath, correlation, envelopeTime);
  const fields = readPlainFields(data, dataPath);
  if (!fields.ok) return fields;
  return {
    ok: true,
    value: {
      kind: 'candidate',
      ...fields.value,
      shape: 'cloudevents',
      correlation,
      ...(envelopeTime === undefined ? {} : { occurredAt: envelopeTime }),
      fieldsAt: dataPath,
    },
  };
}
