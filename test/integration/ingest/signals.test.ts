import { randomUUID } from 'node:crypto';
import { CloudEvent, CONSTANTS, HTTP } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrace, type IngestWorld, newToken, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
let captured = '';
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

beforeAll(async () => {
  world = await startIngestWorld({
    env: { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' },
  });
  // Kept, not echoed: the test reads what the function wrote.
  const capture = (chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});
afterAll(async () => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  await world?.stop();
});

const event = (data: Record<string, unknown> = createTrace()) =>
  new CloudEvent({ id: randomUUID(), source: 'HC.VPN', type: 'VPN:CloudTrace:ApiCall', data });

interface Emf {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** Every metric written, with its value and its `reason` dimension when it has one. */
const metricsWritten = () =>
  captured
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Emf)
    .flatMap((emf) =>
      emf._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Metrics.map((m) => ({
          name: m.Name,
          value: emf[m.Name],
          reason: directive.Dimensions.flat().includes('reason') ? emf.reason : undefined,
        })),
      ),
    );

describe('what the ingest endpoint logs and counts', () => {
  it('counts received, queued, ignored and rejected events by reason, and never writes a token', async () => {
    // Prepare
    const wrong = [newToken(), newToken()];
    const valid = HTTP.structured(event());
    const post = (path: string, body: string, headers: Record<string, string>) =>
      fetch(`${world.url}${path}`, { method: 'POST', headers, body });

    // Act
    const answers = [
      await post(
        `/${world.tokens.current}`,
        valid.body as string,
        valid.headers as Record<string, string>,
      ),
      await post(`/${wrong[0]}`, valid.body as string, valid.headers as Record<string, string>),
      await post('', valid.body as string, {
        ...(valid.headers as Record<string, string>),
        authorization: `Bearer ${wrong[1]}`,
      }),
      await post(`/${world.tokens.previous}`, '{"specversion":', {
        'content-type': CONSTANTS.MIME_CE_JSON,
      }),
      await post(
        `/${world.tokens.current}`,
        JSON.stringify([
          event(),
          event({ ...createTrace(), resource_id: 'x', response: '{}' }),
          event(),
        ]),
        { 'content-type': CONSTANTS.MIME_CE_BATCH },
      ),
    ];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 401, 401, 400, 400]);
    const sum = (name: string, reason?: string) =>
      metricsWritten()
        .filter((m) => m.name === name && m.reason === reason)
        .reduce((total, m) => total + Number(m.value), 0);
    expect(sum('IngestRequests')).toBe(5);
    expect(sum('EventsReceived')).toBe(4);
    expect(sum('EventsQueued')).toBe(3);
    expect(sum('EventsRejected', 'unauthorized')).toBe(2);
    expect(sum('EventsRejected', 'malformed')).toBe(1);
    expect(sum('EventsRejected', 'invalid-event')).toBe(1);
    expect(captured).toContain('ingest request handled');
    expect(captured).not.toContain('No application metrics to publish');
    for (const token of [world.tokens.current, world.tokens.previous, ...wrong]) {
      expect(captured).not.toContain(token);
    }
  });
});
