/**
 * The replay folder's face: replaying dead letters, for the handler and the command (`commands/replay.ts`).
 * @module
 */
export {
  formatMessageLine,
  formatReport,
  lineProgress,
  type ProgressStream,
  terminalProgress,
} from './display.ts';
export { ReplayOptionsError } from './errors.ts';
export { parseReplayOptions, type ReplayRequest } from './options.ts';
export { replayDeadLetters } from './replay.ts';
export type { ReplayReport } from './report.ts';
