import { readCloudTrace } from './cloud-trace.ts';
import type { Correlation } from './connection-created.ts';
import type { JsonObject } from './json.ts';
import type { Reading } from './reading.ts';

/**
 * Reads a Cloud Trace trace found at `path`: a CloudEvent's `data`, an SMN notification's
 * `message`, or a whole body. `correlation` and `envelopeTime` come from around it; the trace's
 * own `time`, when readable, is the better one, being when the call was made.
 */
export function readTraceMessage(
  trace: JsonObject,
  path: string,
  correlation: Correlation,
  envelopeTime: string | undefined,
): Reading {
  const read = readCloudTrace(trace, path);
  if (!read.ok) return read;
  if (read.value.kind === 'ignored') {
    return {
      ok: true,
      value: { kind: 'ignored', reason: read.value.reason, shape: 'cloud-trace' },
    };
  }
  const { vpnConnectionIds, projectId, region, domainId, traceId } = read.value;
  const occurredAt = read.value.occurredAt ?? envelopeTime;
  return {
    ok: true,
    value: {
      kind: 'candidate',
      vpnConnectionIds,
      projectId,
      region,
      ...(domainId === undefined ? {} : { domainId }),
      ...(occurredAt === undefined ? {} : { occurredAt }),
      shape: 'cloud-trace',
      correlation: { ...correlation, ...(traceId === undefined ? {} : { traceId }) },
      fieldsAt: path,
    },
  };
}
