/**
 * The replay folder's face: replaying dead letters, from the handler or the command line.
 * @module
 */
export { runReplayCommand } from './cli.ts';
export { lineProgress } from './display.ts';
export { parseReplayOptions, type ReplayRequest } from './options.ts';
export { replayDeadLetters } from './replay.ts';
export type { ReplayReport } from './report.ts';
