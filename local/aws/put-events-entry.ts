import { isJsonObject } from './json.ts';

/** EventBridge's limit on one PutEvents entry, computed as EventBridge documents it. */
const MAX_ENTRY_BYTES = 256 * 1024;

/** A PutEvents entry that passed EventBridge's checks. */
interface ValidEntry {
  eventBusName: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time: Date;
  resources: string[];
  traceHeader?: string;
}

/** The verdict on one entry: accepted, or the error EventBridge would report for it. */
export type EntryVerdict =
  | { ok: true; entry: ValidEntry }
  | { ok: false; errorCode: string; errorMessage: string };

const invalidArgument = (parameter: string, reason: string): EntryVerdict => ({
  ok: false,
  errorCode: 'InvalidArgument',
  errorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
});

const required = (entry: Record<string, unknown>, name: string): string | EntryVerdict => {
  const value = entry[name];
  if (typeof value === 'string' && value.length > 0) return value;
  return invalidArgument(name, `${name} is a required argument.`);
};

const parseDetail = (detail: string): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(detail);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/** The SDK sends `Time` as epoch seconds; an ISO string is accepted too. */
const parseTime = (time: unknown): Date | undefined => {
  if (time === undefined) return new Date();
  const date =
    typeof time === 'number'
      ? new Date(time * 1000)
      : typeof time === 'string'
        ? new Date(time)
        : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
};

/** `arn:aws:events:<region>:<account>:event-bus/<name>` or a plain name; absent means `default`. */
const busName = (eventBusName: unknown): string => {
  if (typeof eventBusName !== 'string' || eventBusName.length === 0) return 'default';
  const marker = ':event-bus/';
  const at = eventBusName.indexOf(marker);
  return at === -1 ? eventBusName : eventBusName.slice(at + marker.length);
};

/** Entry size by EventBridge's rule: Time counts 14 bytes, strings their UTF-8 length. */
const entrySize = (entry: Record<string, unknown>): number => {
  const bytes = (value: unknown): number =>
    typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce<number>((sum, resource) => sum + bytes(resource), 0)
  );
};

/** Checks one PutEvents entry the way EventBridge does and reports the first problem. */
export const validateEntry = (raw: unknown): EntryVerdict => {
  if (!isJsonObject(raw)) return invalidArgument('Entry', 'Entry must be an object.');
  const source = required(raw, 'Source');
  if (typeof source !== 'string') return source;
  const detailType = required(raw, 'DetailType');
  if (typeof detailType !== 'string') return detailType;
  const detailText = required(raw, 'Detail');
  if (typeof detailText !== 'string') return detailText;
  if (source.startsWith('aws.')) {
    return {
      ok: false,
      errorCode: 'NotAuthorizedForSourceException',
      errorMessage: 'Not authorized for the source.',
    };
  }
  const detail = parseDetail(detailText);
  if (detail === undefined) {
    return { ok: false, errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
  }
  const time = parseTime(raw.Time);
  if (time === undefined) return invalidArgument('Time', 'Time is not a valid timestamp.');
  const resources = raw.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  }
  const size = entrySize(raw);
  if (size > MAX_ENTRY_BYTES) {
    return invalidArgument('Entry', `Entry size ${size} bytes exceeds ${MAX_ENTRY_BYTES} bytes.`);
  }
  const entry: ValidEntry = {
    eventBusName: busName(raw.EventBusName),
    source,
    detailType,
    detail,
    time,
    resources,
  };
  if (typeof raw.TraceHeader === 'string') entry.traceHeader = raw.TraceHeader;
  return { ok: true, entry };
};
