/**
 * The cli folder's face: what every command shares (its process, flags, output, and what AWS's
 * failures mean to the person at the keyboard).
 * @module
 */
export {
  AwsSettingsError,
  commandRegion,
  resolveAwsSettings,
} from './aws-settings.ts';
export {
  type CliIo,
  commandSqsClient,
  failureLine,
  type ProgressStream,
  printJson,
  readFlags,
  requireUrlFlags,
  stderrLines,
  usageFailure,
} from './command.ts';
