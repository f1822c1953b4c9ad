/**
 * The face of `lib/cli/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /** The SQS client for the command's `--region` and `--endpoint` flags. */
  commandSqsClient,
  /** Reads a command's flags. */
  readFlags,
  /**
   * Throws `toError(message)` for the first flag whose value is set but not a URL, so a typo is
   * named before any call is made.
   */
  requireUrlFlags,
  /** Reports options the command cannot run with, pointing at `--help`. */
  usageFailure,
} from './args.ts';
export {
  /** A mistake in how a command was asked to reach AWS. */
  AwsSettingsError,
  /** The region a command's AWS calls go to. */
  commandRegion,
  /**
   * One line for an AWS SDK failure a person can fix (no credentials, no region, an unreachable
   * host, expired credentials, an unknown queue).
   */
  explainAwsError,
} from './aws-settings.ts';
export type {
  /** What a command needs from its process. */
  CliIo,
  /** Where progress is written. */
  ProgressStream,
} from './io.ts';
export {
  /** Prints a command's result as indented JSON on stdout (`--json`). */
  printJson,
  /** A writer of whole progress lines on stderr. */
  stderrLines,
} from './output.ts';
