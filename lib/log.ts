import { Logger } from '@aws-lambda-powertools/logger';

/** The logging calls `lib/` makes; Powertools' Logger provides them. */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The container's structured JSON logger. The level comes from `POWERTOOLS_LOG_LEVEL` (or
 * `AWS_LAMBDA_LOG_LEVEL`), which Powertools reads itself. Nothing secret is ever passed to it:
 * credentials stay inside `lib/huawei/`.
 */
export const createLogger = (serviceName = 'vpn-monitor-provisioner'): Logger =>
  new Logger({ serviceName });
