import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, listenOnLoopback } from '../../../local/aws/loopback.ts';

/**
 * A proxy in front of the SQS emulator that fails chosen SendMessageBatch entries once (SQS's
 * fault), or refuses them every time (the sender's fault).
 */
export interface FlakySqs {
  endpoint: string;
  /** Entries whose body contains this text fail once, as SQS's own fault (`SenderFault: false`). */
  failOnceWhenBodyHas(marker: string): void;
  /** Entries whose body contains this text are refused every time, as the sender's fault. */
  refuseWhenBodyHas(marker: string): void;
  /** SendMessageBatch calls seen, and the entries each carried. */
  batches(): number[];
  stop(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
};

interface Entry {
  Id: string;
  MessageBody: string;
}

/**
 * Forwards every request to `target` unchanged, except SendMessageBatch (AWS JSON 1.0, as the
 * AWS SDK v3 sends it): entries to fail are taken out before forwarding and added to the
 * answer's `Failed` list with `InternalError`, which is what SQS answers when it fails an entry
 * for its own reasons.
 */
export const startFlakySqs = async (target: string): Promise<FlakySqs> => {
  const markers = new Set<string>();
  const refusals = new Set<string>();
  const failed = new Set<string>();
  const batches: number[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const action = String(request.headers['x-amz-target'] ?? '');
      let forwardBody = body;
      let injected: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
      if (action === 'AmazonSQS.SendMessageBatch') {
        const input = JSON.parse(body.toString('utf8')) as { Entries: Entry[] };
        batches.push(input.Entries.length);
        const refuse = input.Entries.filter((entry) =>
          [...refusals].some((m) => entry.MessageBody.includes(m)),
        );
        const fail = input.Entries.filter(
          (entry) =>
            !refuse.includes(entry) &&
            [...markers].some(
              (m) => entry.MessageBody.includes(m) && !failed.has(entry.MessageBody),
            ),
        );
        for (const entry of fail) failed.add(entry.MessageBody);
        injected = [
          ...fail.map((entry) => ({
            Id: entry.Id,
            SenderFault: false,
            Code: 'InternalError',
            Message: 'We encountered an internal error. Please try again.',
          })),
          ...refuse.map((entry) => ({
            Id: entry.Id,
            SenderFault: true,
            Code: 'InvalidMessageContents',
            Message: 'Invalid characters found.',
          })),
        ];
        const rest = input.Entries.filter(
          (entry) => !fail.includes(entry) && !refuse.includes(entry),
        );
        if (rest.length === 0) {
          const payload = JSON.stringify({ Successful: [], Failed: injected });
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(payload);
          return;
        }
        forwardBody = Buffer.from(JSON.stringify({ ...input, Entries: rest }));
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !['host', 'content-length', 'connection'].includes(name)) {
          headers.set(name, Array.isArray(value) ? value.join(',') : value);
        }
      }
      const upstream = await fetch(`${target}${request.url ?? '/'}`, {
        method: request.method ?? 'POST',
        headers,
        body: forwardBody,
      });
      let text = await upstream.text();
      if (injected.length > 0) {
        const output = JSON.parse(text) as { Failed?: unknown[] };
        text = JSON.stringify({ ...output, Failed: [...(output.Failed ?? []), ...injected] });
      }
      response.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.0',
      });
      response.end(text);
    })().catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    failOnceWhenBodyHas: (marker) => markers.add(marker),
    refuseWhenBodyHas: (marker) => refusals.add(marker),
    batches: () => [...batches],
    stop: () => closeServer(server),
  };
};
