/**
 * The replay folder's face: replaying dead letters, from the handler or the command line.
 * @module
 */
export { runReplayCommand } from './cli.ts';
export { parseReplayOptions, type ReplayRequest } from './options.ts';
export { lineProgress } from './progress.ts';
export { replayDeadLetters } from './replay.ts';
export type { ReplayReport } from './report.ts';
