import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import * as z from '../zod.ts';

/**
 * The one message attribute a replayed message gains, as compact JSON: where it came from and
 * how many times it has been replayed. One attribute, so SQS's limit of 10 is barely touched.
 */
export const REPLAY_ATTRIBUTE = 'vpn_monitor_replay';

/** The JSON of {@link REPLAY_ATTRIBUTE}. */
const replayMetadataSchema = z.object({
  /** The message id the event had when it first reached the source queue, as far as known. */
  original_message_id: z.string().check(z.minLength(1)),
  /** The id of the dead-letter message this copy was made from. */
  dlq_message_id: z.string().check(z.minLength(1)),
  replayed_at: z.string().check(z.minLength(1)),
  /** 1 for the first replay; one more each time the same event is replayed again. */
  replay_count: z.number().check(z.int(), z.positive()),
  /** Why it was in the dead-letter queue: the failure code, else its kind. */
  reason: z.optional(z.string()),
});
/** Replay metadata, as carried in {@link REPLAY_ATTRIBUTE}. */
export type ReplayMetadata = z.infer<typeof replayMetadataSchema>;

/**
 * Reads a message's earlier replay metadata, or `undefined` when it has none or it cannot be
 * read (a hand-made message, say): the count then starts again at 1 rather than failing.
 */
export function readReplayMetadata(
  attributes: Record<string, MessageAttributeValue> | undefined,
): ReplayMetadata | undefined {
  const raw = attributes?.[REPLAY_ATTRIBUTE]?.StringValue;
  if (raw === undefined) return undefined;
  try {
    const parsed = replayMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: treated like no metadata, see above.
    return undefined;
  }
}

/** The attribute value of `metadata`, compact JSON. */
export function replayAttribute(metadata: ReplayMetadata): MessageAttributeValue {
  return { DataType: 'String', StringValue: JSON.stringify(metadata) };
}
