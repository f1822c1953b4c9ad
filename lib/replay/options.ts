import * as z from '../zod.ts';
import { ReplayOptionsError } from './errors.ts';

/** `StartMessageMoveTask` takes 1 to 500 messages per second. */
const MOVE_TASK_MAX_RATE = 500;

/** `auto` takes `move-task` when nothing narrows the replay and SQS offers it, else `copy`. */
const replayModeSchema = z.enum(['auto', 'move-task', 'copy']);

const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/** One value or several (`--reason A --reason B`, or `"reason": ["A", "B"]`): any may match. */
const oneOrMore = z._default(
  z.pipe(
    z.union([text, z.array(text)]),
    z.transform((value: string | string[]) => (Array.isArray(value) ? value : [value])),
  ),
  [],
);

/** An ISO 8601 date (midnight UTC) or date-time with `Z` or an offset. */
const instant = z.pipe(
  z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date or date-time with a zone, like 2025-11-25T08:00:00Z',
  }),
  z.transform((value: string) => new Date(value)),
);

const queueUrl = z.url({ error: 'must be a queue URL' });

/**
 * What an operator asks of a replay, from the command line or the `replayDlq` payload (for
 * example `{"max": 100, "reason": "APIGW.0301"}`). Unknown fields are refused, so a typo never
 * widens a replay.
 */
const replayOptionsSchema = z
  .strictObject({
    /** The dead-letter queue; default `DLQ_URL`. */
    dlq: z.optional(queueUrl),
    /** Where messages go; default `SOURCE_QUEUE_URL`, else the DLQ's own source queue. */
    to: z.optional(queueUrl),
    /** List what would move, with reasons and connection ids; move nothing. */
    dryRun: z._default(z.boolean(), false),
    /** Move at most this many messages. */
    max: z.optional(z.coerce.number().check(z.int(), z.positive())),
    /** Messages per second sent to the target. */
    rate: z.optional(z.coerce.number().check(z.positive(), z.lte(10_000))),
    /** Failure code (`APIGW.0301`) or kind (`retries-exhausted`, `sqs-redrive`), any case. */
    reason: oneOrMore,
    /** VPN connection id. */
    connection: oneOrMore,
    /** Failed at or after (the failure's `failed_at`, else the DLQ message's `SentTimestamp`). */
    since: z.optional(instant),
    /** Failed before. */
    until: z.optional(instant),
    mode: z._default(replayModeSchema, 'auto'),
  })
  .check(
    z.superRefine((options, ctx) => {
      if (options.since && options.until && options.since >= options.until) {
        ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
      }
      if (options.mode === 'move-task' && hasFilter(options)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mode'],
          message:
            'move-task moves every message of the queue: drop the filters and max, or use copy',
        });
      }
      if (
        options.mode === 'move-task' &&
        options.rate !== undefined &&
        !isMoveTaskRate(options.rate)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['rate'],
          message: `must be a whole number from 1 to ${MOVE_TASK_MAX_RATE} with move-task`,
        });
      }
    }),
  );

/** Validated replay options. */
export type ReplayOptions = z.output<typeof replayOptionsSchema>;
/** Replay options as written by an operator, before validation and defaults. */
export type ReplayRequest = z.input<typeof replayOptionsSchema>;

/** True when the options narrow the replay, so that only `copy` can honour them. */
export function hasFilter(
  options: Pick<ReplayOptions, 'reason' | 'connection' | 'since' | 'until' | 'max'>,
): boolean {
  return (
    options.reason.length > 0 ||
    options.connection.length > 0 ||
    options.since !== undefined ||
    options.until !== undefined ||
    options.max !== undefined
  );
}

/** True when `StartMessageMoveTask` accepts this rate. */
export function isMoveTaskRate(rate: number): boolean {
  return Number.isInteger(rate) && rate >= 1 && rate <= MOVE_TASK_MAX_RATE;
}

/**
 * Validates a replay request. Throws a {@link ReplayOptionsError} naming every wrong field, in
 * the words an operator typed (`dryRun` is `--dry-run` on the command line).
 */
export function parseReplayOptions(input: unknown): ReplayOptions {
  const parsed = replayOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new ReplayOptionsError(`Invalid replay options: ${z.formatIssues(parsed.error.issues)}`);
}
