import type { Log } from '../../../lib/log.ts';

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
