import * as z from '../zod.ts';
import { type Environment, optionalUrl, parseEnvironment, processEnvironment } from './shared.ts';

/**
 * The replay's environment (the `replayDlq` Lambda, and the `replay` command's defaults): both
 * queues are optional here, since the command takes `--dlq` and `--to` and can find the source
 * queue itself.
 */
const replaySchema = z.pipe(
  z.object({
    DLQ_URL: optionalUrl('must be the URL of the dead-letter queue'),
    SOURCE_QUEUE_URL: optionalUrl('must be the URL of the queue that replayed messages go to'),
  }),
  z.transform((e: { DLQ_URL?: string | undefined; SOURCE_QUEUE_URL?: string | undefined }) => ({
    deadLetterQueueUrl: e.DLQ_URL,
    sourceQueueUrl: e.SOURCE_QUEUE_URL,
  })),
);

/** Where a replay takes from and sends to, when its options do not say. */
export type ReplayConfig = z.output<typeof replaySchema>;

/**
 * Parses the replay's environment. Throws a `ConfigurationError` naming a variable that is set
 * but not a URL.
 */
export const loadReplayConfig = (env: Environment = processEnvironment()): ReplayConfig =>
  parseEnvironment(replaySchema, env);
