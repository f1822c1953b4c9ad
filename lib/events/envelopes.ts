import * as z from '../zod.ts';
import { isCloudTrace, readTraceMessage } from './cloud-trace.ts';
import {
  type Candidate,
  type Correlation,
  correlationValueSchema,
  plainFieldsSchema,
  type Reading,
  readPlainFields,
  toPlainCandidate,
} from './connection-created.ts';
import { fromIsoText, hasKey, isJsonObject, joinPath, type Outcome, readWith } from './problems.ts';

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
  const parsed = readWith(cloudEventSchema, input, path);
  if (!parsed.ok) return parsed;
  const { id, source, time, data } = parsed.value;
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
  const parsed = readWith(eventBridgeEnvelopeSchema, input, path);
  if (!parsed.ok) return parsed;
  const { id, source, time, detail } = parsed.value;
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
